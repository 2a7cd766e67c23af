using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>The body of POST /api/admin/mint and /api/admin/burn (amount: a JSON number or a decimal string).</summary>
public sealed record AdminCommandRequest(
    [property: JsonPropertyName("command_id")] string CommandId,
    [property: JsonPropertyName("instrument_id")] string InstrumentId,
    [property: JsonPropertyName("party_id")] string PartyId,
    [property: JsonPropertyName("amount")] JsonElement Amount);

/// <summary>The answer to an accepted (or repeated) command.</summary>
public sealed record AdminCommandAccepted(
    [property: JsonPropertyName("command_id")] string CommandId,
    [property: JsonPropertyName("status")] string Status);

/// <summary>One command's fate (GET /api/admin/commands/{command_id}).</summary>
public sealed record AdminCommandView(
    [property: JsonPropertyName("command_id")] string CommandId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("instrument_id")] string InstrumentId,
    [property: JsonPropertyName("party_id")] string PartyId,
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("command_hash")] string CommandHash,
    [property: JsonPropertyName("update_id")] string? UpdateId,
    [property: JsonPropertyName("block")] long? Block,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("tx_hashes")] IReadOnlyList<string> TxHashes,
    [property: JsonPropertyName("failure_reason")] string? FailureReason,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("completed_at")] DateTimeOffset? CompletedAt);

/// <summary>A page of commands, newest first (GET /api/admin/commands).</summary>
public sealed record AdminCommandPage(
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("commands")] IReadOnlyList<AdminCommandView> Commands);

/// <summary>The operator API's error bodies: <c>{"detail": "..."}</c>, and for validation one entry per bad field.</summary>
public sealed record AdminError([property: JsonPropertyName("detail")] string Detail);

public sealed record AdminValidationError([property: JsonPropertyName("detail")] IReadOnlyList<AdminFieldError> Detail);

public sealed record AdminFieldError(
    [property: JsonPropertyName("loc")] IReadOnlyList<string> Loc,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("type")] string Type);
