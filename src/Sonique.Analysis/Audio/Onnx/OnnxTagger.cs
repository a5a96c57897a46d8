using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Sonique.Analysis.Audio.Features;

namespace Sonique.Analysis.Audio.Onnx;

/// <summary>
/// TagAudio's "onnx" backend: a music-tagging model the user brings (Essentia's musicnn or EffNet-Discogs
/// classifiers exported to ONNX, or any model of the same shape) behind the mel front end it was trained on.
/// The model loads once; ONNX Runtime's Run is safe to call from several threads, so one tagger serves the
/// stage's concurrent workers. The tempo comes from <see cref="TempoEstimator"/>, as the features backend's does.
/// </summary>
public sealed class OnnxTagger : IAudioTagger, IDisposable
{
    private const int TempoSampleRate = 22050;
    private const int DetailedActivations = 10;

    private readonly OnnxTaggerOptions _options;
    private readonly AudioReader _reader;
    private readonly MelFrontEnd _frontEnd;
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly ModelContract _contract;
    private volatile bool _disposed;

    /// <summary>Checks the signature <paramref name="model"/> (the bytes of <see cref="OnnxTaggerOptions.ModelPath"/>)
    /// declares against the front end and <paramref name="labels"/>, then loads the model; throws
    /// <see cref="OnnxTaggerLoadException"/> naming what does not fit before ONNX Runtime sees a model that does not.</summary>
    private OnnxTagger(OnnxTaggerOptions options, TagLabels labels, byte[] model, AudioReader reader)
    {
        _options = options;
        _reader = reader;
        Labels = labels;
        _frontEnd = new MelFrontEnd(options.FrontEnd);
        _contract = ModelContract.Check(OnnxModelSignature.Read(model, options.ModelPath), options, labels);
        _sessionOptions = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        try
        {
            if (options.Threads is { } threads)
            {
                _sessionOptions.IntraOpNumThreads = threads;
            }

            _session = Load(options.ModelPath, _sessionOptions);
        }
        catch
        {
            _sessionOptions.Dispose();
            throw;
        }
    }

    public string Name => "onnx";

    public TagLabels Labels { get; }

    /// <summary>Reads the labels and the model file, checks the model's declared input and output against the
    /// front end and the labels, then loads it into ONNX Runtime; throws <see cref="OnnxTaggerLoadException"/>
    /// naming the file and what does not fit.</summary>
    public static async Task<OnnxTagger> CreateAsync(OnnxTaggerOptions options, AudioReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reader);
        options.Validate();
        var labels = await TagLabels.ReadAsync(options.LabelsPath, cancellationToken);
        return new OnnxTagger(options, labels, await ReadModelAsync(options.ModelPath, cancellationToken), reader);
    }

    public async Task<AudioTags> TagAsync(string audioPath, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (tempoAudio, audio) = await _reader.ReadForModelAsync(audioPath, TempoSampleRate, _options.FrontEnd.SampleRate, cancellationToken);

        // Off the caller's thread: the reads may complete synchronously, and the stage's workers must overlap.
        var (chunks, bpm) = await Task.Run(
            () => (ActivationsByChunk(audio, cancellationToken), TempoEstimator.EstimateBpm(tempoAudio)),
            cancellationToken);
        var track = Mean(chunks);
        return new AudioTags
        {
            Tags = Tags(track),
            TempoBpm = (int)Math.Round(bpm),
            Chunks = [.. chunks.Select(Tags)],
            Details = new Dictionary<string, string>
            {
                ["model"] = Path.GetFileName(_options.ModelPath),
                ["chunks"] = chunks.Count.ToString(CultureInfo.InvariantCulture),
                ["activations"] = string.Join(
                    ", ",
                    TagSelection.Ranked(track).Take(DetailedActivations).Select(i => $"{Labels.Tag(i)} {track[i].ToString("0.000", CultureInfo.InvariantCulture)}")),
            },
        };
    }

    /// <summary>Each chunk's activations (one per label, the mean over its patches), for audio at the front
    /// end's rate.</summary>
    public IReadOnlyList<float[]> ActivationsByChunk(MonoAudio audio, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var chunks = new List<float[]>();
        foreach (var chunk in audio.Chunks(_options.ChunkSeconds))
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunks.Add(ChunkActivations(chunk, cancellationToken));
        }

        return chunks;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        _sessionOptions.Dispose();
    }

    private static async Task<byte[]> ReadModelAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new OnnxTaggerLoadException($"The ONNX model '{path}' does not exist.");
        }

        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxTaggerLoadException($"The ONNX model '{path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>From the path, not the bytes already checked: a model whose weights lie in files beside it
    /// (ONNX's external data) is found relative to it.</summary>
    private static InferenceSession Load(string path, SessionOptions sessionOptions)
    {
        try
        {
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxTaggerLoadException($"'{path}' cannot be loaded as an ONNX model: {e.Message}", e);
        }
    }

    private static float[] Mean(IReadOnlyList<float[]> rows)
    {
        var mean = new float[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] += row[i] / rows.Count;
            }
        }

        return mean;
    }

    private string[] Tags(float[] activations) =>
        [.. TagSelection.Pick(activations, _options).Select(Labels.Tag).Distinct(StringComparer.Ordinal)];

    private float[] ChunkActivations(MonoAudio chunk, CancellationToken cancellationToken)
    {
        var patches = _frontEnd.Patches(chunk);
        var rows = new List<float[]>(patches.Count);
        var step = _contract.FixedBatch ?? patches.Count;
        for (var from = 0; from < patches.Count; from += step)
        {
            rows.AddRange(Run(patches, from, Math.Min(step, patches.Count - from), cancellationToken));
        }

        return Mean(rows);
    }

    private float[][] Run(IReadOnlyList<float[][]> patches, int from, int count, CancellationToken cancellationToken)
    {
        var (data, shape) = _contract.Pack(patches, from, count);
        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var runOptions = new RunOptions();
        using var stop = cancellationToken.Register(() => runOptions.Terminate = true);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = _session.Run(runOptions, [_contract.InputName], [input], [_contract.OutputName]);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        using (outputs)
        {
            var values = outputs[0].GetTensorDataAsSpan<float>();
            var batch = shape[0];
            if (values.Length != batch * Labels.Count)
            {
                throw ModelContract.WidthMismatch(_options.ModelPath, _contract.OutputName, values.Length / batch, Labels);
            }

            var rows = new float[count][];
            for (var p = 0; p < count; p++)
            {
                rows[p] = values.Slice(p * Labels.Count, Labels.Count).ToArray();
                Activate(rows[p]);
            }

            return rows;
        }
    }

    private void Activate(float[] row)
    {
        switch (_options.Activation)
        {
            case OutputActivation.Sigmoid:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = 1 / (1 + MathF.Exp(-row[i]));
                }

                break;
            case OutputActivation.Softmax:
                var max = row.Max();
                var sum = 0f;
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = MathF.Exp(row[i] - max);
                    sum += row[i];
                }

                for (var i = 0; i < row.Length; i++)
                {
                    row[i] /= sum;
                }

                break;
            case OutputActivation.None:
                break;
            default:
                throw new InvalidOperationException($"Unknown output activation {_options.Activation}.");
        }
    }
}
