using Sonique.Training.Peft;

namespace Sonique.Training;

/// <summary>
/// The FineTune stage's work, for either backend: write the job beside the results, run the trainer in its own
/// process, keep every metric it reports (metrics.jsonl: the loss curves), and leave a GGUF LoRA adapter in the
/// output folder (the peft trainer's adapter is converted by our code). What only this run knows (timings, rates,
/// the device, paths, checkpoints, notes) goes to the run record in the checkpoints folder, never to an output,
/// so the same job writes the same bytes.
/// </summary>
public static class FineTuneRun
{
    public const string JobFile = "job.json";
    public const string MetricsFile = "metrics.jsonl";

    /// <summary>Every event of the latest training as the trainer reported it, kept beside the checkpoints.</summary>
    public const string RunRecordFile = "run.jsonl";

    /// <summary>The job the ggml trainer process reads (absolute paths), kept beside the checkpoints.</summary>
    public const string TrainerJobFile = "trainer-job.json";

    public static Task RunAsync(TrainingJob job, PeftRunner? peft, Action<TrainingEvent> onEvent, CancellationToken ct) =>
        RunAsync(job, job, peft, onEvent, ct);

    /// <param name="recorded">The job as job.json records it (<see cref="TrainingJob.RelativeTo"/>): the same job,
    /// with paths that do not depend on where the workspace or the staging folder lies.</param>
    public static async Task RunAsync(TrainingJob job, TrainingJob recorded, PeftRunner? peft, Action<TrainingEvent> onEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(onEvent);
        Directory.CreateDirectory(job.Output);
        Directory.CreateDirectory(job.Checkpoints);
        await recorded.WriteAsync(Path.Combine(job.Output, JobFile), ct);
        var metrics = new StreamWriter(Path.Combine(job.Output, MetricsFile), append: false);
        var runRecord = new StreamWriter(Path.Combine(job.Checkpoints, RunRecordFile), append: false);
        await using (metrics)
        await using (runRecord)
        {
            void Record(TrainingEvent e)
            {
                lock (metrics)
                {
                    runRecord.WriteLine(e.ToJson());
                    if (e.AsMetric() is { } metric)
                    {
                        metrics.WriteLine(metric.ToJson());
                    }
                }

                onEvent(e);
            }

            if (peft is null)
            {
                var jobFile = Path.Combine(job.Checkpoints, TrainerJobFile);
                await job.WriteAsync(jobFile, ct);
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
