namespace Sonique.Analysis.Tests.Features;

// The sample sets take seconds to write: once per test run, shared by every class that reads them. Collection
// fixtures rather than assembly fixtures, so that a run that leaves those classes out (the fast tier) writes none.

[CollectionDefinition(Name)]
public sealed class SampleMusicReaders : ICollectionFixture<SampleMusicSet>
{
    public const string Name = "sample music";
}

[CollectionDefinition(Name)]
public sealed class SampleVideoReaders : ICollectionFixture<SampleVideoSet>
{
    public const string Name = "sample videos";
}
