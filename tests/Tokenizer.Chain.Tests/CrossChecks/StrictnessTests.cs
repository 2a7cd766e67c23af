using System.Globalization;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Nethereum.Model;
using Nethereum.RLP;
using Nethereum.Signer;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Tests.Support;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Tests.CrossChecks;

/// <summary>
/// Malformed input that Nethereum 6.1 takes and our client refuses. What matters is our refusal (a platform that reads
/// chain data must not give two byte strings one meaning); that Nethereum accepts is asserted too, to show the inputs
/// are real leniencies and not inputs every client refuses, and each test name says so.
/// </summary>
public class StrictnessTests
{
    private static readonly BigInteger N = BigInteger.Parse("0fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", NumberStyles.HexNumber);

    [Fact]
    public void A_high_s_twin_of_a_valid_eip1559_transaction_is_refused_while_Nethereum_recovers_the_same_sender_from_it()
    {
        var vector = VectorFiles.Load(VectorFiles.CommittedDirectory, "tx-eip1559.json")[0];
        var raw = Hex.Decode(vector.GetProperty("raw").GetString()!);
        var valid = TransactionDecoder.Decode(raw);
        var twin = HighSTwin(raw);

        FluentActions.Invoking(() => TransactionDecoder.Decode(twin)).Should().Throw<FormatException>().WithMessage("*High-s*");

        // The twin is the same transfer from the same sender under another hash: a malleated copy.
        var nethereum = TransactionFactory.CreateTransaction(twin);
        nethereum.GetSenderAddress().Should().BeEquivalentTo(valid.From.ToString());
        Hex.Encode(nethereum.Hash).Should().NotBe(valid.Hash.ToString());
    }

    [Theory]
    [InlineData("817f", "a single byte below 0x80 must not carry a length prefix")]
    [InlineData("8100", "a single byte below 0x80 must not carry a length prefix")]
    [InlineData("b80141", "the long form is only for payloads of 56 bytes or more")]
    public void Non_canonical_rlp_is_refused_where_Nethereum_decodes_it(string hex, string because)
    {
        FluentActions.Invoking(() => Serialization.Rlp.Decode(Hex.Decode(hex))).Should().Throw<RlpException>(because);

        FluentActions.Invoking(() => RLP.Decode(Hex.Decode(hex))).Should().NotThrow(because);
    }

    [Fact]
    public void An_rlp_integer_with_a_leading_zero_byte_is_refused_where_Nethereum_reads_it_as_the_number()
    {
        FluentActions.Invoking(() => Serialization.Rlp.Decode(Hex.Decode("820001")).ToBigInteger()).Should().Throw<RlpException>();

        RLP.Decode(Hex.Decode("820001")).RLPData.ToBigIntegerFromRLPDecoded().Should().Be(BigInteger.One);
    }

    [Theory]
    [InlineData("address", "00000000000000000000ffff" + "f39fd6e51aad88f6f4ce6ab8827279cfffb92266", "an address word with dirty high bytes")]
    [InlineData("bool", "02", "a bool word other than 0 or 1")]
    [InlineData("uint8", "0100", "a uint8 word above 255")]
    [InlineData("int8", "80", "an int8 word that is not sign-extended")]
    [InlineData("bytes4", "a9059cbb01", "a bytes4 word with dirty padding")]
    public void A_dirty_or_out_of_range_abi_word_is_refused_where_Nethereum_decodes_it(string type, string hex, string because)
    {
        var word = Hex.Decode("0x" + (type == "bytes4" ? hex.PadRight(64, '0') : hex.PadLeft(64, '0')));

        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.Parse(type)], word)).Should().Throw<AbiException>(because);

        new ParameterDecoder().DecodeDefaultData(word, new Parameter(type, "value", 1)).Should().ContainSingle(because)
            .Which.Result.Should().NotBeNull();
    }

    // The same transaction signed with s' = n - s and the other y parity: a second valid-looking signature of one key.
    private static byte[] HighSTwin(byte[] raw)
    {
        var fields = Serialization.Rlp.Decode(raw.AsSpan(1)).Items.ToArray();
        var s = new BigInteger(fields[11].Bytes, isUnsigned: true, isBigEndian: true);
        fields[9] = RlpItem.Integer(fields[9].ToBigInteger() ^ 1);
        fields[11] = RlpItem.Integer(N - s);
        return [0x02, .. Serialization.Rlp.Encode(RlpItem.List(fields))];
    }
}
