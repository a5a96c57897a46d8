namespace Sonique.Media.Music;

/// <summary>The musical mode of a clip's key.</summary>
public enum Mode
{
    Major,
    Minor,
}
