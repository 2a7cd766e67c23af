using System.Numerics;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>One stored operator command (a row of <c>operator_commands</c>).</summary>
public sealed record OperatorCommand(
    string CommandId,
    string CommandHash,
    string Kind,
    string Factory,
    string InstrumentId,
    string TokenKind,
    string PartyId,
    string Amount,
    BigInteger BaseUnits,
    string BodyHash,
    string Status,
    int Attempts,
    long? TxNonce,
    IReadOnlyList<string> TxHashes,
    string? UpdateId,
    long? BlockNumber,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt);

/// <summary>The states of a command, in the order they are reached.</summary>
public static class CommandStatus
{
    public const string Submitted = "submitted";
    public const string Sent = "sent";
    public const string Confirmed = "confirmed";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Submitted, Sent, Confirmed, Failed];
}
