using System.Runtime.InteropServices;
using Sonique.Training;
using Sonique.Training.Lora;

if (args.Length != 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: Sonique.Training.Worker <job.json>");
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

var output = Console.Out;
try
{
    var job = TrainingJob.FromJson(await File.ReadAllTextAsync(args[0], cancellation.Token));
    await LlamaTrainerRun.RunAsync(job, e =>
    {
        output.WriteLine(e.ToJson());
        output.Flush();
    }, cancellation.Token);
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("training cancelled");
    return 130;
}
catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or InvalidOperationException or LLama.Exceptions.RuntimeError or UnauthorizedAccessException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine($"Error: {e.Message}");
    return 1;
}
#pragma warning disable CA1031 // The last resort: a managed failure must not pass for a native abort (exit code 134).
catch (Exception e)
#pragma warning restore CA1031
{
    Console.Error.WriteLine($"Error: {e.GetType().Name}: {e.Message}");
    return 1;
}
