namespace Tokenizer.ServiceDefaults;

/// <summary>Names of the platform's own telemetry sources, so ServiceDefaults collects them without a list.</summary>
public static class TokenizerTelemetry
{
    /// <summary>Every meter and activity source of ours starts with this prefix, e.g. <c>Tokenizer.Identity</c>.</summary>
    public const string MeterPrefix = "Tokenizer.";
}
