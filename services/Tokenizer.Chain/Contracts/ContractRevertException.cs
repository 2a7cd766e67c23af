using System.Buffers.Binary;
using System.Numerics;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Contracts;

/// <summary>
/// Names of every custom error in the Tokenizer ABIs (including the OpenZeppelin ones), plus the built-in
/// <see cref="Error"/> (Error(string)) and <see cref="Panic"/> (Panic(uint256)). Compare with
/// <see cref="ContractRevertException.ErrorName"/>.
/// </summary>
public static class ContractErrors
{
    public const string Error = nameof(Error);
    public const string Panic = nameof(Panic);
    public const string AccessControlBadConfirmation = nameof(AccessControlBadConfirmation);
    public const string AccessControlUnauthorizedAccount = nameof(AccessControlUnauthorizedAccount);
    public const string AccountFrozen = nameof(AccountFrozen);
    public const string AccountNotApproved = nameof(AccountNotApproved);
    public const string BaseURITooLong = nameof(BaseURITooLong);
    public const string CommandAlreadyExecuted = nameof(CommandAlreadyExecuted);
    public const string DuplicateAttributeKey = nameof(DuplicateAttributeKey);
    public const string ERC20InsufficientAllowance = nameof(ERC20InsufficientAllowance);
    public const string ERC20InsufficientBalance = nameof(ERC20InsufficientBalance);
    public const string ERC20InvalidApprover = nameof(ERC20InvalidApprover);
    public const string ERC20InvalidReceiver = nameof(ERC20InvalidReceiver);
    public const string ERC20InvalidSender = nameof(ERC20InvalidSender);
    public const string ERC20InvalidSpender = nameof(ERC20InvalidSpender);
    public const string ERC721IncorrectOwner = nameof(ERC721IncorrectOwner);
    public const string ERC721InsufficientApproval = nameof(ERC721InsufficientApproval);
    public const string ERC721InvalidApprover = nameof(ERC721InvalidApprover);
    public const string ERC721InvalidOperator = nameof(ERC721InvalidOperator);
    public const string ERC721InvalidOwner = nameof(ERC721InvalidOwner);
    public const string ERC721InvalidReceiver = nameof(ERC721InvalidReceiver);
    public const string ERC721InvalidSender = nameof(ERC721InvalidSender);
    public const string ERC721NonexistentToken = nameof(ERC721NonexistentToken);
    public const string EmptyAttributeKey = nameof(EmptyAttributeKey);
    public const string EnforcedPause = nameof(EnforcedPause);
    public const string ExpectedPause = nameof(ExpectedPause);
    public const string FailedDeployment = nameof(FailedDeployment);
    public const string InsufficientBalance = nameof(InsufficientBalance);
    public const string InvalidAmount = nameof(InvalidAmount);
    public const string InvalidAttributeKind = nameof(InvalidAttributeKind);
    public const string InvalidAttributeValue = nameof(InvalidAttributeValue);
    public const string InvalidCommandId = nameof(InvalidCommandId);
    public const string InvalidDecimals = nameof(InvalidDecimals);
    public const string InvalidImplementation = nameof(InvalidImplementation);
    public const string InvalidInitialization = nameof(InvalidInitialization);
    public const string MetadataFieldTooLong = nameof(MetadataFieldTooLong);
    public const string MintBatchTooLarge = nameof(MintBatchTooLarge);
    public const string NotInitializing = nameof(NotInitializing);
    public const string NotTokenOwner = nameof(NotTokenOwner);
    public const string StringsInsufficientHexLength = nameof(StringsInsufficientHexLength);
    public const string TokenAlreadyDeployed = nameof(TokenAlreadyDeployed);
    public const string TooManyAttributes = nameof(TooManyAttributes);
    public const string TransfersLocked = nameof(TransfersLocked);
    public const string ZeroAddress = nameof(ZeroAddress);
}

/// <summary>Where a revert was observed.</summary>
public enum RevertSource
{
    /// <summary>eth_call of a read or a simulation.</summary>
    Call,

    /// <summary>eth_estimateGas pre-flight: nothing was signed or sent.</summary>
    EstimateGas,

    /// <summary>The mined transaction failed (receipt status 0); the nonce and gas are spent.</summary>
    Transaction,
}

/// <summary>
/// A Tokenizer contract reverted. <see cref="ErrorName"/> and <see cref="Arguments"/> hold the decoded custom error
/// (any error of the three ABIs, OpenZeppelin's included), Error(string) or Panic(uint256); both are null/empty when
/// the revert carried no data or an unknown selector (<see cref="RevertData"/> has the raw bytes then).
/// </summary>
public sealed class ContractRevertException : Exception
{
    private ContractRevertException(string message, RevertSource source, string? function, Address? contract, byte[]? revertData,
        FunctionSignature? error, object?[] arguments, TransactionReceipt? receipt, Exception? inner)
        : base(message, inner)
    {
        RevertSource = source;
        Function = function;
        Contract = contract;
        RevertData = revertData;
        ErrorName = error?.Name;
        ErrorSignature = error?.Signature;
        ArgumentNames = error?.Parameters.Select(p => p.Name).ToArray() ?? [];
        Arguments = arguments;
        Receipt = receipt;
    }

    public RevertSource RevertSource { get; }

    /// <summary>The call that reverted, e.g. "TokenizerERC20.mint(bytes32,address,uint256)".</summary>
    public string? Function { get; }

    /// <summary>The called contract (null for a contract creation).</summary>
    public Address? Contract { get; }

    /// <summary>The revert data; null when the node gave none.</summary>
    public byte[]? RevertData { get; }

    /// <summary>"EnforcedPause", "AccessControlUnauthorizedAccount", "Error", "Panic", ...; see <see cref="ContractErrors"/>.</summary>
    public string? ErrorName { get; }

    /// <summary>Canonical signature, e.g. "CommandAlreadyExecuted(bytes32)".</summary>
    public string? ErrorSignature { get; }

    /// <summary>The error's parameter names from the ABI, parallel to <see cref="Arguments"/>.</summary>
    public IReadOnlyList<string> ArgumentNames { get; }

    /// <summary>Decoded arguments (ABI values: BigInteger, Address, bool, byte[], string, object?[]).</summary>
    public IReadOnlyList<object?> Arguments { get; }

    /// <summary>For <see cref="RevertSource.Transaction"/>: the failed transaction's receipt.</summary>
    public TransactionReceipt? Receipt { get; }

    /// <summary>True when the error is <paramref name="errorName"/>.</summary>
    public bool Is(string errorName) => ErrorName == errorName;

    /// <summary>
    /// The named argument converted to <typeparamref name="T"/>: bytes32 → <see cref="Hash32"/>, uintN →
    /// <see cref="BigInteger"/>, int, long, ulong or byte, and the ABI types as they are.
    /// </summary>
    public T Argument<T>(string name)
    {
        for (var i = 0; i < ArgumentNames.Count; i++)
        {
            if (ArgumentNames[i] == name)
            {
                return ContractValues.Convert<T>(Arguments[i]);
            }
        }

        throw new KeyNotFoundException($"{ErrorSignature ?? "The revert"} has no argument '{name}'.");
    }

    /// <summary>The revert as "Name(arg, ...)", or a description of undecodable data.</summary>
    public string Describe() => ErrorName switch
    {
        null => RevertData is null || RevertData.Length == 0 ? "reverted without data" : $"reverted with unknown data {Hex.Encode(RevertData)}",
        ContractErrors.Error => $"Error(\"{Arguments[0]}\")",
        ContractErrors.Panic => $"Panic(0x{(BigInteger)Arguments[0]!:x2}: {ErrorDecoder.DescribePanic((BigInteger)Arguments[0]!)})",
        _ => $"{ErrorName}({string.Join(", ", Arguments.Select(ContractValues.Format))})",
    };

    /// <summary>Decodes revert data with every Tokenizer error.</summary>
    public static ContractRevertException FromRevertData(byte[]? revertData, RevertSource source, string? function, Address? contract,
        TransactionReceipt? receipt = null, Exception? inner = null, string? note = null)
    {
        var (error, arguments) = TokenizerErrors.Decode(revertData);
        var exception = new ContractRevertException("", source, function, contract, revertData, error, arguments, receipt, inner);
        var where = function ?? (contract is { } c ? $"call to {c}" : "contract creation");
        var what = source switch
        {
            RevertSource.EstimateGas => "reverted in gas estimation (nothing was sent)",
            RevertSource.Transaction => $"transaction {receipt?.TransactionHash} failed on chain",
            _ => "reverted",
        };
        return new ContractRevertException($"{where} {what}: {exception.Describe()}{(note is null ? "" : " " + note)}",
            source, function, contract, revertData, error, arguments, receipt, inner);
    }

    /// <summary>
    /// The typed revert when <paramref name="e"/> is a node's "execution reverted" answer (code 3, or a message saying
    /// so); false for other node errors (insufficient funds, bad nonce, ...), which are not the contract's answer.
    /// </summary>
    public static bool TryFromRpc(RpcException e, RevertSource source, string? function, Address? contract, out ContractRevertException? revert)
    {
        ArgumentNullException.ThrowIfNull(e);
        revert = null;
        var isRevert = e.Code == 3 || e.RpcMessage.Contains("revert", StringComparison.OrdinalIgnoreCase);
        if (!isRevert)
        {
            return false;
        }

        revert = FromRevertData(e.RevertData, source, function, contract, inner: e);
        return true;
    }
}

/// <summary>Decodes revert data with the union of the errors of the three Tokenizer ABIs.</summary>
public static class TokenizerErrors
{
    private static readonly Dictionary<uint, FunctionSignature> BySelector = Build();

    /// <summary>Every error signature known (custom errors of all three ABIs plus Error(string) and Panic(uint256)).</summary>
    public static IReadOnlyCollection<FunctionSignature> All => BySelector.Values;

    /// <summary>The error and its arguments; (null, []) for empty data, an unknown selector or malformed arguments.</summary>
    public static (FunctionSignature? Error, object?[] Arguments) Decode(ReadOnlySpan<byte> revertData)
    {
        if (revertData.Length < 4 || !BySelector.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(revertData), out var error))
        {
            return (null, []);
        }

        try
        {
            return (error, Abi.Abi.Decode(error.Inputs, revertData[4..]));
        }
        catch (AbiException)
        {
            return (null, []);
        }
    }

    private static Dictionary<uint, FunctionSignature> Build()
    {
        var map = new Dictionary<uint, FunctionSignature>();
        IEnumerable<FunctionSignature> errors = TokenizerArtifacts.All.SelectMany(a => a.Abi.Errors)
            .Append(FunctionSignature.Parse("Error(string message)"))
            .Append(FunctionSignature.Parse("Panic(uint256 code)"));
        foreach (var error in errors)
        {
            var selector = BinaryPrimitives.ReadUInt32BigEndian(error.Selector);
            if (map.TryGetValue(selector, out var existing) && existing.Signature != error.Signature)
            {
                throw new InvalidOperationException($"Error selector clash: {existing.Signature} and {error.Signature}.");
            }

            map.TryAdd(selector, error);
        }
        return map;
    }
}

internal static class ContractValues
{
    internal static T Convert<T>(object? value)
    {
        var converted = value;
        if (typeof(T) == typeof(Hash32) && value is byte[] { Length: 32 } b)
        {
            converted = new Hash32(b);
        }
        else if (value is BigInteger big)
        {
            if (typeof(T) == typeof(int))
            {
                converted = (int)big;
            }
            else if (typeof(T) == typeof(long))
            {
                converted = (long)big;
            }
            else if (typeof(T) == typeof(ulong))
            {
                converted = (ulong)big;
            }
            else if (typeof(T) == typeof(byte))
            {
                converted = (byte)big;
            }
        }
        return converted is T t ? t : throw new InvalidCastException($"The value {Format(value)} is not a {typeof(T).Name}.");
    }

    internal static string Format(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Hex.Encode(bytes),
        string s => "\"" + s + "\"",
        object?[] items => "[" + string.Join(", ", items.Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };

    internal static Hash32 ToHash(object? value) => new((byte[])value!);
}
