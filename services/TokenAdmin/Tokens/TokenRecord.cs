namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>A token deployed through the self-service API, as TokenAdmin recorded it.</summary>
public sealed record TokenRecord(
    string Address, string Kind, string Name, string Symbol, int Decimals, bool Permissionless, string? BaseUri,
    Guid Creator, string Owner, string Salt, string DeployTransaction, DateTimeOffset CreatedAt)
{
    public const string Erc20 = "ERC20";
    public const string Erc721 = "ERC721";

    public bool IsErc721 => Kind == Erc721;
}
