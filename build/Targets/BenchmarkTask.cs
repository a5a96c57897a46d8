using Cake.Core;
using Path = System.IO.Path;
using Cake.Common;
using Cake.Core.IO;
using Sonique.Build.Frosting;
using Sonique.Build.Host;

namespace Sonique.Build.Targets;

[TaskName("Benchmark")]
[TaskDescription("Measures the engine (hashing beside md5sum/sha256sum, no-op rerun at 3,000 items) or, with --suite=download, Download, or with --suite=analysis, DescribeVideo and TagAudio, or with --suite=llm, stories15M tag generation, or with --suite=training, the ggml LoRA trainer against the machine's matmul peak; --quick for a short run")]
public sealed class BenchmarkTask : AsyncFrostingTask<SoniqueContext>
{
    public override Task RunAsync(SoniqueContext context)
    {
        var arguments = new ProcessArgumentBuilder()
            .Append("run").Append("-c").Append("Release").Append("--project").AppendQuoted(Path.Combine(context.Workspace.Root, "bench", "Sonique.Benchmarks"))
            .Append("--");
        if (context.Arguments.HasArgument("suite"))
        {
            arguments.Append("--suite").Append(context.Arguments.GetArgument("suite"));
        }

        if (context.Arguments.HasArgument("quick"))
        {
            arguments.Append("--quick");
        }

        if (context.StartProcess("dotnet", new ProcessSettings { Arguments = arguments, WorkingDirectory = context.Workspace.Root }) != 0)
        {
            throw new InvalidOperationException("The benchmark failed.");
        }

        return Task.CompletedTask;
    }
}
