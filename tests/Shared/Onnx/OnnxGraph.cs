using Google.Protobuf;
using Sonique.Tests.Shared.Onnx.Proto;

namespace Sonique.Tests.Shared.Onnx;

/// <summary>
/// Builds an ONNX model from the protoc-generated messages of ONNX's own format (onnx_model.proto): nodes in
/// order, float initializers, and the graph's inputs and outputs, whose dims are symbolic (a string) or fixed
/// (a number), as an exporter writes them.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>IR version 8 with opset 17, which ONNX Runtime 1.16 and later run.</summary>
    private const long IrVersion = 8;
    private const long Opset = 17;

    private readonly GraphProto _graph;

    public OnnxGraph(string name) => _graph = new GraphProto { Name = name };

    public OnnxGraph Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}-{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>A float constant, stored as ONNX's raw little-endian bytes.</summary>
    public OnnxGraph Initializer(string name, long[] dims, float[] values)
    {
        if (dims.Aggregate(1L, (product, d) => product * d) != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill a [{string.Join(", ", dims)}] tensor.", nameof(values));
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX's raw tensor data is little-endian.");
        }

        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>An int64 constant (the shape a Reshape takes).</summary>
    public OnnxGraph Initializer(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return this;
    }

    public OnnxGraph Input(string name, params object[] shape)
    {
        _graph.Input.Add(Value(name, shape));
        return this;
    }

    public OnnxGraph Output(string name, params object[] shape)
    {
        _graph.Output.Add(Value(name, shape));
        return this;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public byte[] ToBytes()
    {
        var model = new ModelProto { IrVersion = IrVersion, ProducerName = "sonique-tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name, object[] shape)
    {
        var dims = new TensorShapeProto();
        foreach (var dim in shape)
        {
            dims.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = dims } },
        };
    }
}
