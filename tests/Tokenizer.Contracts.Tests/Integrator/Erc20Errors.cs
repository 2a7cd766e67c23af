using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Tokenizer.Contracts.Tests.Integrator;

// The [Error] DTOs for the refusals a holder can meet; they travel together, so they share one file.

[Error("EnforcedPause")]
public sealed class EnforcedPauseError : IErrorDTO;

[Error("TransfersLocked")]
public sealed class TransfersLockedError : IErrorDTO;

[Error("AccountFrozen")]
public sealed class AccountFrozenError : IErrorDTO
{
    [Parameter("address", "account", 1)] public string Account { get; set; } = "";
}

[Error("AccountNotApproved")]
public sealed class AccountNotApprovedError : IErrorDTO
{
    [Parameter("address", "account", 1)] public string Account { get; set; } = "";
}

[Error("ERC20InsufficientAllowance")]
public sealed class Erc20InsufficientAllowanceError : IErrorDTO
{
    [Parameter("address", "spender", 1)] public string Spender { get; set; } = "";
    [Parameter("uint256", "allowance", 2)] public BigInteger Allowance { get; set; }
    [Parameter("uint256", "needed", 3)] public BigInteger Needed { get; set; }
}

[Error("ERC20InsufficientBalance")]
public sealed class Erc20InsufficientBalanceError : IErrorDTO
{
    [Parameter("address", "sender", 1)] public string Sender { get; set; } = "";
    [Parameter("uint256", "balance", 2)] public BigInteger Balance { get; set; }
    [Parameter("uint256", "needed", 3)] public BigInteger Needed { get; set; }
}
