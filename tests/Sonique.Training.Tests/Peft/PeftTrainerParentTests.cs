using System.Diagnostics;
using Sonique.Tests.Shared;
using Sonique.Training.Peft;

namespace Sonique.Training.Tests.Peft;

/// <summary>sonique_peft.py as PeftRunner starts it: it ends when the pipe its parent holds on its standard input ends,
/// as the kernel ends it when the parent dies.</summary>
[Trait("Tier", "Tool")] // python runs the peft trainer
public sealed class PeftTrainerParentTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_python_trainer_runs_while_its_parents_pipe_is_open_and_exits_when_it_ends()
    {
        var ct = TestContext.Current.CancellationToken;
        // A FIFO as the job: the trainer blocks opening it, as it would in a long training, until someone writes.
        var job = _folder.PathOf("job.fifo");
        using (var mkfifo = Process.Start("mkfifo", [job]))
        {
            await mkfifo.WaitForExitAsync(ct);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { PeftRunner.Script, "--job", job, TrainerProcess.ExitWithParentSwitch })
        {
            start.ArgumentList.Add(argument);
        }

        using var trainer = Process.Start(start)!;
        try
        {
            using (var meanwhile = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                meanwhile.CancelAfter(TimeSpan.FromSeconds(2));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trainer.WaitForExitAsync(meanwhile.Token));
            }

            trainer.StandardInput.Close();

            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(TimeSpan.FromSeconds(30));
            await trainer.WaitForExitAsync(bound.Token);
            Assert.Equal(TrainerProcess.ExitParentGone, trainer.ExitCode);
            Assert.Contains("parent process is gone", await trainer.StandardError.ReadToEndAsync(ct), StringComparison.Ordinal);
        }
        finally
        {
            if (!trainer.HasExited)
            {
                trainer.Kill();
            }
        }
    }
}
