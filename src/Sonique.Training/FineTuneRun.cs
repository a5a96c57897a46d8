using Sonique.Training.Peft;

namespace Sonique.Training;

/// <summary>
/// The FineTune stage's work, for either backend: write the job beside the results, run the trainer in its own
/// process, keep every metric it reports (metrics.jsonl: the loss curves), and leave a GGUF LoRA adapter in the
/// output folder (the peft trainer's adapter is converted by our code).
/// </summary>
public static class FineTuneRun
{
    public const string JobFile = "job.json";
    public const string MetricsFile = "metrics.jsonl";

    public static async Task RunAsync(TrainingJob job, PeftRunner? peft, Action<TrainingEvent> onEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(onEvent);
        Directory.CreateDirectory(job.Output);
        var jobFile = Path.Combine(job.Output, JobFile);
        await job.WriteAsync(jobFile, ct);
        var metrics = new StreamWriter(Path.Combine(job.Output, MetricsFile), append: false);
        await using (metrics)
        {
            void Record(TrainingEvent e)
            {
                lock (metrics)
                {
                    metrics.WriteLine(e.ToJson());
                }

                onEvent(e);
            }

            if (peft is null)
            {
                var (executable, arguments) = TrainerProcess.Worker(jobFile);
                // A failed assertion would otherwise attach gdb for a backtrace: slow, and no use to the user.
                await TrainerProcess.RunAsync("ggml LoRA", executable, arguments, null, Record, ct, new Dictionary<string, string?> { ["GGML_NO_BACKTRACE"] = "1" });
            }
            else
            {
                await peft.RunAsync(job, Record, ct);
            }
        }

        var adapter = Path.Combine(job.Output, TrainingJob.AdapterFile);
        if (!File.Exists(adapter))
        {
            throw new TrainingFailedException($"The trainer finished without writing its adapter '{adapter}'.");
        }
    }
}
