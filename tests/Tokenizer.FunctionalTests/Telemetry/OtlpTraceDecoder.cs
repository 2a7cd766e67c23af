using System.Globalization;
using Google.Protobuf;

namespace Tokenizer.FunctionalTests.Telemetry;

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry-proto trace/v1) from its protobuf bytes, field by
/// field with Google.Protobuf's wire reader: only what the trace tests look at, every other field skipped.
/// </summary>
public static class OtlpTraceDecoder
{
    public static IEnumerable<OtlpSpan> Decode(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var resourceSpans in Repeated(request, 1))
        {
            var service = "";
            var scopes = new List<byte[]>();
            foreach (var (field, value) in Fields(resourceSpans))
            {
                if (field == 1)
                {
                    service = Attributes(value, 1).GetValueOrDefault("service.name", "");
                }
                else if (field == 2)
                {
                    scopes.Add(value);
                }
            }

            foreach (var scopeSpans in scopes)
            {
                var scope = "";
                foreach (var (field, value) in Fields(scopeSpans))
                {
                    if (field == 1)
                    {
                        scope = Strings(value).GetValueOrDefault(1, "");
                    }
                    else if (field == 2)
                    {
                        spans.Add(Span(service, scope, value));
                    }
                }
            }
        }

        return spans;
    }

    private static OtlpSpan Span(string service, string scope, byte[] bytes)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = OtlpSpanKind.Unspecified;
        ulong start = 0, end = 0;
        var failed = false;
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 5: name = input.ReadString(); break;
                case 6: kind = (OtlpSpanKind)input.ReadEnum(); break;
                case 7: start = input.ReadFixed64(); break;
                case 8: end = input.ReadFixed64(); break;
                case 15: failed = StatusIsError(input.ReadBytes().ToByteArray()); break;
                default: input.SkipLastField(); break;
            }
        }

        return new OtlpSpan(service, scope, traceId, spanId, parent, name, kind, start, end, failed, Attributes(bytes, 9));
    }

    /// <summary>Status: field 3 is the code, 2 = STATUS_CODE_ERROR.</summary>
    private static bool StatusIsError(byte[] status)
    {
        var input = new CodedInputStream(status);
        uint tag;
        var error = false;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 3)
            {
                error = input.ReadEnum() == 2;
            }
            else
            {
                input.SkipLastField();
            }
        }

        return error;
    }

    /// <summary>The <c>KeyValue</c> list at <paramref name="field"/>; values other than scalars are left out.</summary>
    private static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Repeated(message, field))
        {
            string? key = null, value = null;
            foreach (var (number, bytes) in Fields(keyValue))
            {
                if (number == 1)
                {
                    key = System.Text.Encoding.UTF8.GetString(bytes);
                }
                else if (number == 2)
                {
                    value = AnyValue(bytes);
                }
            }

            if (key is not null && value is not null)
            {
                attributes[key] = value;
            }
        }

        return attributes;
    }

    private static string? AnyValue(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        uint tag;
        string? value = null;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: value = input.ReadString(); break;
                case 2: value = input.ReadBool() ? "true" : "false"; break;
                case 3: value = input.ReadInt64().ToString(CultureInfo.InvariantCulture); break;
                case 4: value = input.ReadDouble().ToString(CultureInfo.InvariantCulture); break;
                default: input.SkipLastField(); break;
            }
        }

        return value;
    }

    private static Dictionary<int, string> Strings(byte[] message) =>
        Fields(message).GroupBy(f => f.Field).ToDictionary(g => g.Key, g => System.Text.Encoding.UTF8.GetString(g.Last().Value));

    private static IEnumerable<byte[]> Repeated(byte[] message, int field) => Fields(message).Where(f => f.Field == field).Select(f => f.Value);

    /// <summary>The length-delimited fields of a message (sub-messages, strings, bytes); scalars are skipped.</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                fields.Add((WireFormat.GetTagFieldNumber(tag), input.ReadBytes().ToByteArray()));
            }
            else
            {
                input.SkipLastField();
            }
        }

        return fields;
    }
}
