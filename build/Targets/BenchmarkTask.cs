using Cake.Core;
using CliWrap;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Path = System.IO.Path;

namespace Sonique.Build.Targets;

[TaskName("Benchmark")]
[TaskDescription("Measures the engine (hashing beside md5sum/sha256sum, no-op rerun at 3,000 items) or, with --suite=download, Download, or with --suite=analysis, DescribeVideo and TagAudio, or with --suite=llm, stories15M tag generation, or with --suite=vlm, the VLM describer on models of SmolVLM-256M and LLaVA-7B shapes, or with --suite=training, the ggml LoRA trainer against the machine's matmul peak, or with --suite=store, store + artifacts on disk per cache.type; --quick for a short run")]
public sealed class BenchmarkTask : AsyncFrostingTask<SoniqueContext>
{
    public override async Task RunAsync(SoniqueContext context)
    {
        List<string> arguments = ["run", "-c", "Release", "--project", Path.Combine(context.Workspace.Root, "bench", "Sonique.Benchmarks"), "--"];
        if (context.Arguments.HasArgument("suite"))
        {
            arguments.AddRange(["--suite", context.Arguments.GetArgument("suite")]);
        }

        if (context.Arguments.HasArgument("quick"))
        {
            arguments.Add("--quick");
        }

        var result = await Cli.Wrap("dotnet")
            .WithArguments(arguments)
            .WithWorkingDirectory(context.Workspace.Root)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStream(Console.OpenStandardOutput()))
            .WithStandardErrorPipe(PipeTarget.ToStream(Console.OpenStandardError()))
            .ExecuteAsync(context.Cancellation);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("The benchmark failed.");
        }
    }
}
