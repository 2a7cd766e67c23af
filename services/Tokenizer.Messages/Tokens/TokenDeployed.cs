namespace Tokenizer.Messages.Tokens;

/// <summary>A token was deployed through the platform's factory and its deploy transaction succeeded. Published by TokenAdmin.</summary>
/// <param name="Address">The token's contract address (EIP-55).</param>
/// <param name="Kind">ERC20 or ERC721.</param>
/// <param name="Name">The token's name.</param>
/// <param name="Symbol">The token's symbol.</param>
/// <param name="Decimals">ERC20 decimals; 0 for ERC721.</param>
/// <param name="Permissionless">False for a permissioned token (only approved accounts hold and move it).</param>
/// <param name="Creator">The self-service account id that deployed it.</param>
/// <param name="Owner">The contract's <c>owner()</c> (EIP-55).</param>
/// <param name="TransactionHash">The deploy transaction.</param>
/// <param name="BlockNumber">The block that included it (not yet final: the monitor confirms).</param>
/// <param name="DeployedAt">When TokenAdmin saw the receipt (UTC).</param>
public sealed record TokenDeployed(
    string Address, string Kind, string Name, string Symbol, int Decimals, bool Permissionless,
    string Creator, string Owner, string TransactionHash, long BlockNumber, DateTimeOffset DeployedAt);
