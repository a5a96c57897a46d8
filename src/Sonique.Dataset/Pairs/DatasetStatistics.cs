using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// The numbers the report charts about the paired dataset: the split sizes, what balancing removed, and the tag and tempo
/// distribution of all clips beside that of the balanced training set, so the effect of balancing can be seen.
/// Serialised as indented snake_case JSON (<see cref="ToJson"/>).
/// </summary>
public sealed class DatasetStatistics
{
    /// <summary>Indented snake_case JSON with "\n" line ends, as every file of this project. Non-ASCII tag names are written
    /// as they are (not as \u escapes) since the file is read as data, never embedded in HTML.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>All clips paired, in every split.</summary>
    public required int Clips { get; init; }

    /// <summary>Training clips before balancing.</summary>
    public required int Train { get; init; }

    public required int Validation { get; init; }

    public required int Test { get; init; }

    /// <summary>Training clips balancing left out.</summary>
    public required int BalancedOut { get; init; }

    /// <summary>Training clips written to train.jsonl: <see cref="Train"/> less <see cref="BalancedOut"/>.</summary>
    public required int TrainKept { get; init; }

    public double? MaxTagShare { get; init; }

    public double? MaxTempoBandShare { get; init; }

    public required int TempoBandWidth { get; init; }

    /// <summary>The caps balancing could not meet, in words (see <see cref="BalanceResult.Unmet"/>); empty when all hold.</summary>
    public IReadOnlyList<string> UnmetCaps { get; init; } = [];

    /// <summary>Every clip, whatever its split, before balancing.</summary>
    public required ClipSetStatistics All { get; init; }

    /// <summary>The training clips as balanced: what the model is fine-tuned on.</summary>
    public required ClipSetStatistics BalancedTrain { get; init; }

    /// <param name="all">Every clip with its split.</param>
    /// <param name="balancedTrain">The training clips balancing kept.</param>
    /// <param name="balance">The caps and the tempo band width used.</param>
    /// <param name="unmetCaps">What balancing reported it could not meet, carried into the file for the report.</param>
    public static DatasetStatistics Compute(
        IReadOnlyList<(ClipPair Pair, DatasetSplit Split)> all,
        IReadOnlyList<ClipPair> balancedTrain,
        BalanceOptions balance,
        IReadOnlyList<string>? unmetCaps = null)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(balancedTrain);
        ArgumentNullException.ThrowIfNull(balance);
        balance.Validate();

        var train = all.Count(x => x.Split == DatasetSplit.Train);
        return new DatasetStatistics
        {
            Clips = all.Count,
            Train = train,
            Validation = all.Count(x => x.Split == DatasetSplit.Validation),
            Test = all.Count(x => x.Split == DatasetSplit.Test),
            BalancedOut = train - balancedTrain.Count,
            TrainKept = balancedTrain.Count,
            MaxTagShare = balance.MaxTagShare,
            MaxTempoBandShare = balance.MaxTempoBandShare,
            TempoBandWidth = balance.TempoBandWidth,
            UnmetCaps = unmetCaps ?? [],
            All = ClipSetStatistics.Of([.. all.Select(x => x.Pair)], balance.TempoBandWidth),
            BalancedTrain = ClipSetStatistics.Of(balancedTrain, balance.TempoBandWidth),
        };
    }

    /// <summary>The file's text, ending with "\n".</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions) + "\n";

    public static DatasetStatistics FromJson(string json) =>
        JsonSerializer.Deserialize<DatasetStatistics>(json, JsonOptions) ?? throw new InvalidDataException("The statistics JSON holds null.");
}
