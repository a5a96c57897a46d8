using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Engine;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests;

/// <summary>
/// The graph is the stages' declarations: each stage comes after exactly the stages whose artifacts it reads, every
/// artifact has one writer, and a stage that reads or writes what it has not declared is stopped.
/// </summary>
public sealed class StageGraphTests
{
    private static readonly TaskCatalog Catalog = TaskCatalog.Discover(typeof(SoniqueHost).Assembly);

    private static IEnumerable<(string Name, StageTask Stage)> Stages =>
        Catalog.StagesInOrder().Select(e => (e.Name, (StageTask)e.Task));

    [Fact]
    public void Each_stage_comes_after_exactly_the_stages_whose_artifacts_it_reads()
    {
        var nameOf = Stages.ToDictionary(s => s.Stage.GetType(), s => s.Name);
        var position = Stages.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i);

        foreach (var entry in Catalog.StagesInOrder())
        {
            var producers = ((StageTask)entry.Task).Reads.Select(a => nameOf[a.Producer]).Distinct().Order(StringComparer.Ordinal);
            Assert.Equal(producers, entry.Dependencies.Order(StringComparer.Ordinal));
            Assert.All(entry.Dependencies, d => Assert.True(position[d] < position[entry.Name], $"{entry.Name} is ordered before {d}, whose artifacts it reads"));
        }

        Assert.Equal(
            ["BaseModel", "SampleLibrary", "Collect", "Download", "DescribeVideo", "TagAudio", "Pair", "FineTune", "Evaluate", "Report"],
            Stages.Select(s => s.Name));
        Assert.Equal(["Collect", "DescribeVideo", "TagAudio"], Catalog.Entries.Single(e => e.Name == "Pair").Dependencies);
        Assert.Equal(Stages.Select(s => s.Name).Order(StringComparer.Ordinal), Catalog.Entries.Single(e => e.Name == "Default").Dependencies.Order(StringComparer.Ordinal));
    }

    /// <summary>The README's picture of the graph is drawn from the declarations (SONIQUE_REGENERATE=1 redraws it), so a
    /// new stage or a new read shows there or fails here.</summary>
    [Fact]
    public void The_readme_draws_the_declared_graph()
    {
        const string Begin = "<!-- graph:begin -->\n";
        const string End = "<!-- graph:end -->";
        var root = RepositoryRoot.Path;

        var path = Path.Combine(root, "README.md");
        var readme = File.ReadAllText(path);
        var begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "README.md has no <!-- graph:begin --> ... <!-- graph:end --> markers");
        var expected = readme[..(begin + Begin.Length)] + Catalog.Mermaid() + readme[end..];
        if (Environment.GetEnvironmentVariable("SONIQUE_REGENERATE") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.Contains("    Pair --> FineTune\n", Catalog.Mermaid(), StringComparison.Ordinal);
        Assert.True(expected == File.ReadAllText(path), $"README.md's graph differs from the stages' declarations; redraw it: SONIQUE_REGENERATE=1 dotnet test --project tests/Sonique.Build.Tests/Sonique.Build.Tests.csproj -c Release -- --filter-class '*StageGraphTests*'");
    }

    [Fact]
    public void Every_artifact_has_one_writer_and_every_artifact_read_is_one_its_writer_declares()
    {
        var written = Stages.SelectMany(s => s.Stage.Writes).ToList();

        Assert.Equal(written.Count, written.Select(a => a.Shown).Distinct(StringComparer.Ordinal).Count());
        Assert.All(written, a => Assert.StartsWith(Artifact.Root, a.Shown, StringComparison.Ordinal));
        Assert.All(Stages.SelectMany(s => s.Stage.Reads), a => Assert.Contains(a, written));
    }

    [Fact]
    public void A_stage_that_reads_or_writes_an_artifact_it_has_not_declared_is_stopped_naming_it()
    {
        var report = new ReportTask();
        report.CheckDeclared("Report", [PairTask.Statistics.Path, EvaluateTask.Folder.Path, "profiles/example.yaml"], [ReportTask.Folder.Path]);

        var undeclaredInput = Assert.Throws<StageFailedException>(() => report.CheckDeclared("Report", [PairTask.Test.Path], [ReportTask.Folder.Path]));
        Assert.Contains("it reads 'artifacts/pairs/test.jsonl', which is none of the artifacts it declares it reads", undeclaredInput.Message, StringComparison.Ordinal);

        var undeclaredOutput = Assert.Throws<StageFailedException>(() => report.CheckDeclared("Report", [], ["artifacts/report.html"]));
        Assert.Contains("it writes 'artifacts/report.html'", undeclaredOutput.Message, StringComparison.Ordinal);

        var tagAudio = new TagAudioTask();
        var clip = Sonique.Media.Clips.ClipId.Parse("media/x y.mp4");
        tagAudio.CheckDeclared("TagAudio", [DownloadTask.Audio.Of(clip)], [TagAudioTask.Tags.Of(clip)]);
        Assert.Throws<StageFailedException>(() => tagAudio.CheckDeclared("TagAudio", [DownloadTask.Video.Of(clip)], [TagAudioTask.Tags.Of(clip)]));
    }

    [Fact]
    public void Stages_that_read_each_other_are_refused_as_a_cycle_and_a_stage_may_not_name_its_order()
    {
        var cycle = Assert.Throws<InvalidOperationException>(() => TaskCatalog.Of([typeof(StageB), typeof(StageA)]));
        Assert.Contains("in a cycle: A -> B -> A", cycle.Message, StringComparison.Ordinal);

        var named = Assert.Throws<InvalidOperationException>(() => TaskCatalog.Of([typeof(NamesItsOrder), typeof(SampleLibraryTask)]));
        Assert.Contains("The stage NamesItsOrder names the stages it comes after ([IsDependentOn])", named.Message, StringComparison.Ordinal);

        var orphan = Assert.Throws<InvalidOperationException>(() => TaskCatalog.Of([typeof(StageA)]));
        Assert.Contains("The stage A reads artifacts/b.txt, whose producer StageB is not a stage of this build", orphan.Message, StringComparison.Ordinal);
    }

    [TaskName("A")]
    private sealed class StageA : StageTask
    {
        public static readonly FileArtifact Output = new(typeof(StageA), "artifacts/a.txt");

        public override IReadOnlyList<Artifact> Reads => [StageB.Output];

        public override IReadOnlyList<Artifact> Writes => [Output];

        public override StageDefinition Define(SoniqueContext context) => throw new NotSupportedException();
    }

    [TaskName("B")]
    private sealed class StageB : StageTask
    {
        public static readonly FileArtifact Output = new(typeof(StageB), "artifacts/b.txt");

        public override IReadOnlyList<Artifact> Reads => [StageA.Output];

        public override IReadOnlyList<Artifact> Writes => [Output];

        public override StageDefinition Define(SoniqueContext context) => throw new NotSupportedException();
    }

    [IsDependentOn(typeof(SampleLibraryTask))]
    private sealed class NamesItsOrder : StageTask
    {
        public override IReadOnlyList<Artifact> Reads => [];

        public override IReadOnlyList<Artifact> Writes => [];

        public override StageDefinition Define(SoniqueContext context) => throw new NotSupportedException();
    }
}
