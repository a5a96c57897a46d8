namespace Sonique.Ingest.Samples;

/// <summary>The musical mode of a clip's key.</summary>
public enum Mode
{
    Major,
    Minor,
}
