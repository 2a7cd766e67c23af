using Tokenizer.Chain.Primitives;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>A token the platform signer may mint and burn: its address, kind and decimals (ERC721: 0).</summary>
public sealed record Instrument(Address Address, InstrumentKind Kind, int Decimals);

public enum InstrumentKind
{
    Erc20,
    Erc721,
}
