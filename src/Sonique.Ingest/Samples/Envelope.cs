namespace Sonique.Ingest.Samples;

/// <summary>
/// Attack, decay to a sustain level, and release, one sample at a time. Curves are repeated multiplications,
/// not exp, so they come out bit-identical everywhere (see <see cref="Wave"/>).
/// </summary>
internal struct Envelope(double attackSeconds, double decaySeconds, double sustain, double releaseSeconds)
{
    /// <summary>-60 dB: a released or decayed note below this is over, lost under the rest of the mix.</summary>
    public const double Silence = 1e-3;

    private readonly double _attackStep = 1.0 / Math.Max(1.0, attackSeconds * Wave.SampleRate);
    private readonly double _decay = Wave.Decay(decaySeconds);
    private readonly double _release = Wave.Decay(releaseSeconds);
    private bool _attacking = true;

    public double Level { get; private set; }

    /// <summary>Whether a note can end while held: it decays to nothing and is not sustained.</summary>
    public readonly bool Dies => sustain <= 0.0;

    public double Next(bool held)
    {
        if (!held)
        {
            _attacking = false;
            Level *= _release;
        }
        else if (_attacking)
        {
            Level += _attackStep;
            if (Level >= 1.0)
            {
                Level = 1.0;
                _attacking = false;
            }
        }
        else
        {
            Level = sustain + ((Level - sustain) * _decay);
        }

        return Level;
    }

    /// <summary>Whether the note has nothing more to say: released (or fully decayed) below <see cref="Silence"/>.</summary>
    public readonly bool IsOver(bool held) => !_attacking && Level < Silence && (!held || Dies);
}
