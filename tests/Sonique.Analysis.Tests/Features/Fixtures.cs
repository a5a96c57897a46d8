// The sample sets take seconds to write: once per test run, shared by every class that reads them.
[assembly: AssemblyFixture(typeof(Sonique.Analysis.Tests.Features.SampleMusicSet))]
[assembly: AssemblyFixture(typeof(Sonique.Analysis.Tests.Features.SampleVideoSet))]
