using System.Text.Json;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Rpc;

/// <summary>
/// A JSON-RPC error returned by the node: code, message and the raw error data. When the data is revert data
/// (eth_call / eth_estimateGas of a reverting call) <see cref="Revert"/> holds Error(string) or Panic(uint256);
/// use <see cref="TryDecodeRevert"/> with a contract's <see cref="ErrorDecoder"/> for custom errors.
/// </summary>
public class RpcException : Exception
{
    public RpcException(string method, long code, string message, string? errorData)
        : base($"{method} failed: {message} (code {code})")
    {
        Method = method;
        Code = code;
        RpcMessage = message;
        ErrorData = errorData;
        if (errorData is not null && errorData.StartsWith("0x", StringComparison.Ordinal) && Hex.TryDecode(errorData, out var bytes))
        {
            RevertData = bytes;
            if (ErrorDecoder.Default.TryDecode(bytes, out var decoded))
            {
                Revert = decoded;
            }
        }
    }

    /// <summary>The JSON-RPC method that failed.</summary>
    public string Method { get; }

    /// <summary>JSON-RPC error code (3 = execution reverted on geth/anvil, -32000 = generic server error).</summary>
    public long Code { get; }

    /// <summary>The node's error message.</summary>
    public string RpcMessage { get; }

    /// <summary>The "data" member as text: a hex string for reverts, else raw JSON; null when absent.</summary>
    public string? ErrorData { get; }

    /// <summary>Revert data bytes when <see cref="ErrorData"/> is hex.</summary>
    public byte[]? RevertData { get; }

    /// <summary>Error(string) or Panic(uint256) decoded from the revert data.</summary>
    public DecodedError? Revert { get; }

    /// <summary>Decodes the revert data with a contract's errors.</summary>
    public bool TryDecodeRevert(ErrorDecoder decoder, out DecodedError? error)
    {
        error = null;
        return RevertData is not null && decoder.TryDecode(RevertData, out error);
    }

    /// <summary>The node says the nonce was already used ("nonce too low", "OldNonce", ...).</summary>
    public bool IsNonceTooLow => Contains("nonce too low") || Contains("oldnonce") || Contains("nonce_too_low") || Contains("nonce has already been used");

    /// <summary>The node says the nonce leaves a gap ("nonce too high", "NonceGap", ...).</summary>
    public bool IsNonceTooHigh => Contains("nonce too high") || Contains("noncegap") || Contains("nonce_too_high");

    /// <summary>The node already holds a transaction with this hash.</summary>
    public bool IsAlreadyKnown => Contains("already known") || Contains("alreadyknown") || Contains("known transaction") || Contains("already imported") || Contains("already exists");

    /// <summary>eth_getLogs refused the query as too large; page with a smaller block range.</summary>
    public bool IsTooManyResults => Code == -32005 || Contains("query returned more than") || Contains("too many") ||
                                    Contains("limit exceeded") || Contains("response size") || Contains("block range") || Contains("range too large");

    private bool Contains(string text) => RpcMessage.Contains(text, StringComparison.OrdinalIgnoreCase);

    internal static RpcException FromJson(string method, JsonElement error)
    {
        var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : 0;
        var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        string? data = null;
        if (error.TryGetProperty("data", out var d))
        {
            data = d.ValueKind == JsonValueKind.String ? d.GetString() : d.ValueKind == JsonValueKind.Null ? null : d.GetRawText();
        }

        return new RpcException(method, code, message, data);
    }
}

/// <summary>
/// The call did not get a JSON-RPC answer (connection failure, HTTP error, timeout). For eth_sendRawTransaction
/// the outcome is unknown: the node may or may not have the transaction. Resend the same bytes, never re-sign.
/// </summary>
public class RpcTransportException(string method, string message, Exception? inner = null, bool isTimeout = false)
    : Exception($"{method}: {message}", inner)
{
    public string Method { get; } = method;
    public bool IsTimeout { get; } = isTimeout;
}
