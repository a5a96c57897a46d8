using System.Runtime.InteropServices;
using Sonique.Training;
using Sonique.Training.Lora;

if (args.Length is < 1 or > 2 || !File.Exists(args[0]) || (args.Length == 2 && args[1] != TrainerProcess.ExitWithParentSwitch))
{
    Console.Error.WriteLine($"usage: Sonique.Training.Worker <job.json> [{TrainerProcess.ExitWithParentSwitch}]");
    return 2;
}

if (args.Length == 2)
{
    // The parent holds our standard input open and never writes to it; the kernel closes its end when the parent
    // dies, however it dies (SIGKILL, the OOM killer), so end of input means nobody is waiting for this training.
    new Thread(() =>
    {
        using var input = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (input.Read(buffer) > 0)
        {
        }

        Console.Error.WriteLine("the parent process is gone: training stopped");
        Environment.Exit(TrainerProcess.ExitParentGone);
    })
    { IsBackground = true, Name = "parent watch" }.Start();
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
