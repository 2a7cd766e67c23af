using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tokenizer.Monitor.Status;

/// <summary>
/// A stored snapshot ready to serve: its JSON serialized once, split around the value of <c>age_seconds</c>, the one
/// field that changes with every request. Serving it writes the two halves with the request's age between them, the
/// same bytes <see cref="JsonSerializer"/> gives for the document with that age, without serializing it again.
/// </summary>
public sealed class StatusResponse
{
    private const string ContentType = "application/json; charset=utf-8";
    private static readonly byte[] AgeProperty = Encoding.UTF8.GetBytes("\"age_seconds\":");
    private readonly byte[] _before;
    private readonly byte[] _after;
    private readonly DateTimeOffset? _lastSuccessAt;

    private StatusResponse(byte[] before, byte[] after, DateTimeOffset? lastSuccessAt)
    {
        _before = before;
        _after = after;
        _lastSuccessAt = lastSuccessAt;
    }

    /// <summary>The response of <paramref name="document"/>, whatever <c>age_seconds</c> it holds.</summary>
    public static StatusResponse From(StatusDocument document)
    {
        var monitor = document.Operational.Monitor;
        if (monitor.LastSuccessAt is not { } last)
        {
            // No success yet: no age to show, so the bytes are the same for every request.
            var whole = JsonSerializer.SerializeToUtf8Bytes(WithAge(document, null), StatusDocument.Json);
            return new StatusResponse(whole, [], null);
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(WithAge(document, 0), StatusDocument.Json);
        // The property name occurs once: the monitor section is the only one with an age, and no key or string value
        // of the document contains a quote.
        var at = json.AsSpan().IndexOf(AgeProperty);
        var value = at + AgeProperty.Length;
        if (at < 0 || json.AsSpan(value + 1).IndexOf(AgeProperty) >= 0 || json[value] != (byte)'0')
        {
            throw new InvalidOperationException("The status document's age_seconds was not found once.");
        }
        return new StatusResponse(json[..value], json[(value + 1)..], last);
    }

    /// <summary><c>age_seconds</c> as /status reports it at <paramref name="now"/>: seconds since the last success, to the millisecond.</summary>
    public static double? AgeAt(DateTimeOffset? lastSuccessAt, DateTimeOffset now) =>
        lastSuccessAt is { } last ? Math.Round(Math.Max(0, (now - last).TotalSeconds), 3) : null;

    /// <summary>The JSON served at <paramref name="now"/>.</summary>
    public byte[] ToArray(DateTimeOffset now)
    {
        Span<byte> age = stackalloc byte[32];
        var length = FormatAge(now, age);
        return [.. _before, .. age[..length], .. _after];
    }

    /// <summary>Writes the response of <paramref name="now"/> straight to <paramref name="response"/>.</summary>
    public async Task WriteAsync(HttpResponse response, DateTimeOffset now)
    {
        Span<byte> age = stackalloc byte[32];
        var length = FormatAge(now, age);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = _before.Length + length + _after.Length;
        var writer = response.BodyWriter;
        writer.Write(_before);
        writer.Write(age[..length]);
        writer.Write(_after);
        await writer.FlushAsync(response.HttpContext.RequestAborted);
    }

    private int FormatAge(DateTimeOffset now, Span<byte> destination)
    {
        if (AgeAt(_lastSuccessAt, now) is not { } age)
        {
            return 0;
        }
        // The shortest text that reads back as the same double: what System.Text.Json writes for a double.
        return age.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException("An age did not fit 32 bytes.");
    }

    private static StatusDocument WithAge(StatusDocument document, double? age) =>
        document with { Operational = document.Operational with { Monitor = document.Operational.Monitor with { AgeSeconds = age } } };
}
