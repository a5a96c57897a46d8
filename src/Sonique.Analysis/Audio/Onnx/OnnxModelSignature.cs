using System.Text;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Sonique.Analysis.Audio.Onnx;

/// <summary>
/// A model's graph inputs and outputs, read from the .onnx file's protobuf in managed code, so a model that
/// does not fit the tagger is refused before ONNX Runtime's native loader sees it. Only the fields that name
/// and shape the graph's values are read (ModelProto.graph, GraphProto.input/output/initializer); weights and
/// nodes are skipped over.
/// </summary>
internal sealed class OnnxModelSignature
{
    // Field numbers of onnx/onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int TensorName = 8;
    private const int ValueName = 1;
    private const int ValueType = 2;
    private const int TypeTensor = 1;
    private const int TensorElemType = 1;
    private const int TensorShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1;
    private const int DimParam = 2;

    private OnnxModelSignature(IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The inputs a caller feeds: graph inputs that no initializer backs.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>The signature of the model in <paramref name="model"/>; <paramref name="path"/> names it in errors.</summary>
    public static OnnxModelSignature Read(ReadOnlySpan<byte> model, string path)
    {
        try
        {
            ReadOnlySpan<byte> graph = default;
            var found = false;
            foreach (var field in Fields(model))
            {
                if (field.Number == ModelGraph && field.IsMessage)
                {
                    graph = model.Slice(field.Start, field.Length);
                    found = true;
                }
            }

            if (!found)
            {
                throw new InvalidDataException("it holds no graph");
            }

            var inputs = new List<OnnxValueInfo>();
            var outputs = new List<OnnxValueInfo>();
            var initializers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in Fields(graph))
            {
                var body = field.IsMessage ? graph.Slice(field.Start, field.Length) : default;
                switch (field.Number)
                {
                    case GraphInput when field.IsMessage:
                        inputs.Add(ValueInfo(body));
                        break;
                    case GraphOutput when field.IsMessage:
                        outputs.Add(ValueInfo(body));
                        break;
                    case GraphInitializer when field.IsMessage:
                        initializers.Add(StringField(body, TensorName) ?? string.Empty);
                        break;
                }
            }

            if (outputs.Count == 0)
            {
                throw new InvalidDataException("its graph has no outputs");
            }

            return new OnnxModelSignature([.. inputs.Where(i => !initializers.Contains(i.Name))], outputs);
        }
        catch (InvalidDataException e)
        {
            throw new OnnxTaggerLoadException($"'{path}' cannot be loaded as an ONNX model: {e.Message}.", e);
        }
    }

    private static OnnxValueInfo ValueInfo(ReadOnlySpan<byte> value)
    {
        var name = string.Empty;
        var kind = OnnxValueKind.Unknown;
        TensorElementType elementType = default;
        OnnxDim[]? dims = null;
        foreach (var field in Fields(value))
        {
            if (field.Number == ValueName && field.IsMessage)
            {
                name = Encoding.UTF8.GetString(value.Slice(field.Start, field.Length));
            }
            else if (field.Number == ValueType && field.IsMessage)
            {
                var type = value.Slice(field.Start, field.Length);
                foreach (var choice in Fields(type))
                {
                    if (choice.IsMessage)
                    {
                        kind = choice.Number == TypeTensor ? OnnxValueKind.Tensor : OnnxValueKind.Other;
                    }

                    if (choice.Number == TypeTensor && choice.IsMessage)
                    {
                        (elementType, dims) = Tensor(type.Slice(choice.Start, choice.Length));
                    }
                }
            }
        }

        return new OnnxValueInfo(name, kind, elementType, dims);
    }

    private static (TensorElementType Type, OnnxDim[]? Dims) Tensor(ReadOnlySpan<byte> tensor)
    {
        TensorElementType elementType = default;
        OnnxDim[]? dims = null;
        foreach (var field in Fields(tensor))
        {
            if (field.Number == TensorElemType && !field.IsMessage)
            {
                elementType = (TensorElementType)field.Value;
            }
            else if (field.Number == TensorShape && field.IsMessage)
            {
                var shape = tensor.Slice(field.Start, field.Length);
                var list = new List<OnnxDim>();
                foreach (var dim in Fields(shape))
                {
                    if (dim.Number == ShapeDim && dim.IsMessage)
                    {
                        list.Add(Dim(shape.Slice(dim.Start, dim.Length)));
                    }
                }

                dims = [.. list];
            }
        }

        return (elementType, dims);
    }

    private static OnnxDim Dim(ReadOnlySpan<byte> dim)
    {
        var result = new OnnxDim(0, null);
        foreach (var field in Fields(dim))
        {
            if (field.Number == DimValue && !field.IsMessage)
            {
                result = new OnnxDim((long)field.Value, null);
            }
            else if (field.Number == DimParam && field.IsMessage)
            {
                result = new OnnxDim(0, Encoding.UTF8.GetString(dim.Slice(field.Start, field.Length)));
            }
        }

        return result;
    }

    private static string? StringField(ReadOnlySpan<byte> message, int number)
    {
        string? value = null;
        foreach (var field in Fields(message))
        {
            if (field.Number == number && field.IsMessage)
            {
                value = Encoding.UTF8.GetString(message.Slice(field.Start, field.Length));
            }
        }

        return value;
    }

    /// <summary>The message's fields in order: a varint's value, or where a length-delimited one's bytes lie.
    /// Fixed-width fields are stepped over; anything else is not protobuf as ONNX writes it.</summary>
    private static List<ProtoField> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtoField>();
        var at = 0;
        while (at < message.Length)
        {
            var key = Varint(message, ref at);
            var number = (int)(key >> 3);
            if (number <= 0)
            {
                throw new InvalidDataException($"field number {number} at byte {at} is not protobuf");
            }

            switch ((int)(key & 7))
            {
                case 0:
                    fields.Add(new ProtoField(number, false, Varint(message, ref at), 0, 0));
                    break;
                case 1:
                    at = Skip(message, at, 8);
                    break;
                case 2:
                    var length = Varint(message, ref at);
                    if (length > (ulong)(message.Length - at))
                    {
                        throw new InvalidDataException($"field {number} runs {length} bytes past the end of its message at byte {at}");
                    }

                    fields.Add(new ProtoField(number, true, 0, at, (int)length));
                    at += (int)length;
                    break;
                case 5:
                    at = Skip(message, at, 4);
                    break;
                default:
                    throw new InvalidDataException($"wire type {key & 7} at byte {at} is not protobuf as ONNX writes it");
            }
        }

        return fields;
    }

    private static int Skip(ReadOnlySpan<byte> message, int at, int bytes) =>
        at + bytes <= message.Length ? at + bytes : throw new InvalidDataException($"a fixed-width field runs past the end at byte {at}");

    private static ulong Varint(ReadOnlySpan<byte> message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= message.Length)
            {
                throw new InvalidDataException("a varint runs past the end");
            }

            var b = message[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException($"a varint longer than 10 bytes ends at byte {at}");
    }

    private readonly record struct ProtoField(int Number, bool IsMessage, ulong Value, int Start, int Length);
}

/// <summary>A graph input or output as the model file declares it.</summary>
internal sealed record OnnxValueInfo(string Name, OnnxValueKind Kind, TensorElementType ElementType, OnnxDim[]? Dims)
{
    public bool IsFloatTensor => Kind == OnnxValueKind.Tensor && ElementType == TensorElementType.Float;
}

/// <summary>One axis: a fixed size (above 0), or open (0), perhaps named.</summary>
internal readonly record struct OnnxDim(long Value, string? Param)
{
    public bool IsFixed => Value > 0;
}

internal enum OnnxValueKind
{
    Unknown,
    Tensor,
    Other,
}
