using Tokenizer.Chain.Contracts;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>The one place a contract revert becomes the failure reason operators read.</summary>
public static class FailureReasons
{
    public static string Describe(ContractRevertException revert) => revert.ErrorName switch
    {
        ContractErrors.EnforcedPause => "token is paused",
        ContractErrors.AccountFrozen => $"account is frozen: {revert.Describe()}",
        ContractErrors.AccountNotApproved => $"account is not approved on this permissioned token: {revert.Describe()}",
        ContractErrors.ERC20InsufficientBalance or ContractErrors.InsufficientBalance => $"insufficient balance: {revert.Describe()}",
        ContractErrors.ERC721IncorrectOwner or ContractErrors.NotTokenOwner or ContractErrors.ERC721NonexistentToken =>
            $"party does not hold the token ids: {revert.Describe()}",
        ContractErrors.AccessControlUnauthorizedAccount => $"the platform signer lacks the role: {revert.Describe()}",
        ContractErrors.MintBatchTooLarge => $"too many token ids in one mint: {revert.Describe()}",
        ContractErrors.ERC20InvalidReceiver or ContractErrors.ERC721InvalidReceiver or ContractErrors.ZeroAddress => $"invalid party: {revert.Describe()}",
        _ => revert.Describe(),
    };
}
