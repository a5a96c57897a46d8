namespace Sonique.Dataset.Pairs;

/// <summary>Which part of the dataset a clip belongs to: fine-tuned on, used to pick the checkpoint, or held out for evaluation.</summary>
public enum DatasetSplit
{
    Train,
    Validation,
    Test,
}
