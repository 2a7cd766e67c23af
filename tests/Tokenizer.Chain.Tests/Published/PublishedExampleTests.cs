using System.Numerics;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Tests.Published;

/// <summary>Examples published in the EIPs and the Keccak reference.</summary>
public class PublishedExampleTests
{
    [Fact]
    public void Eip155_example_transaction_signs_to_the_published_bytes()
    {
        var key = EthKey.FromHex("0x4646464646464646464646464646464646464646464646464646464646464646");
        var tx = new LegacyTransaction
        {
            ChainId = 1,
            Nonce = 9,
            GasPrice = 20_000_000_000,
            GasLimit = 21_000,
            To = Address.Parse("0x3535353535353535353535353535353535353535"),
            Value = BigInteger.Pow(10, 18),
        };

        Hex.Encode(tx.GetSigningHash()).Should().Be("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
        var signed = tx.Sign(key);
        signed.RawHex.Should().Be("0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");

        var decoded = TransactionDecoder.Decode(signed.Raw);
        decoded.From.Should().Be(key.Address);
        new BigInteger(decoded.Signature.R, isUnsigned: true, isBigEndian: true).Should().Be(BigInteger.Parse("18515461264373351373200002665853028612451056578545711640558177340181847433846"));
        new BigInteger(decoded.Signature.S, isUnsigned: true, isBigEndian: true).Should().Be(BigInteger.Parse("46948507304638947509940763649030358759909902576025900602547168820602576006531"));
    }

    [Theory]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("0x8617E340B3D01FA5F11F306F4090FD50E238070D")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    public void Eip55_published_addresses_format_exactly_as_given(string address) =>
        Address.Parse(address).ToString().Should().Be(address);

    [Fact]
    public void A_mixed_case_address_with_a_wrong_checksum_is_rejected_with_a_reason()
    {
        Address.TryParse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", out _, out var error).Should().BeFalse();
        error.Should().Contain("checksum");
        Address.TryParse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", out var lower, out _).Should().BeTrue();
        Address.TryParse("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", out var upper, out _).Should().BeTrue();
        lower.Should().Be(upper);
        Address.TryParse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", out _, out var shortError).Should().BeFalse();
        shortError.Should().Contain("40");
        Address.TryParse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", out _, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    public void Keccak_of_reference_strings(string input, string expected) =>
        Hex.Encode(Keccak256.HashUtf8(input)).Should().Be(expected);
}
