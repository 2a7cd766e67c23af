using System.Numerics;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Tests.Published;

public class KeyHandlingTests
{
    private const string DevKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    [Fact]
    public void A_key_prints_as_its_address_and_never_as_the_secret()
    {
        var key = EthKey.FromHex(DevKey);
        key.ToString().Should().Be("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        key.ToString().Should().NotContain(DevKey[2..]);
        typeof(EthKey).GetProperties().Should().NotContain(p => p.PropertyType == typeof(string));
    }

    [Theory]
    [InlineData("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff8")]
    [InlineData("0xzz0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")]
    public void A_malformed_key_is_rejected_without_echoing_it(string bad)
    {
        var act = () => EthKey.FromHex(bad);
        act.Should().Throw<ArgumentException>().Which.Message.Should().NotContain(bad[4..20]);
    }

    [Fact]
    public void Signatures_are_deterministic_and_low_s()
    {
        var key = EthKey.FromHex(DevKey);
        var hash = Keccak256.HashUtf8("tokenizer");
        var a = key.Sign(hash);
        var b = key.Sign(hash);
        a.ToBytes().Should().Equal(b.ToBytes());
        a.IsLowS.Should().BeTrue();
        a.Recover(hash).Should().Be(key.Address);
        EthSignature.FromBytes(a.ToBytes()).Recover(hash).Should().Be(key.Address);
    }
}

public class RlpStrictnessTests
{
    [Theory]
    [InlineData("8100", "a single byte below 0x80 must not be prefixed")]
    [InlineData("817f", "a single byte below 0x80 must not be prefixed")]
    [InlineData("b80100", "long form for a short string")]
    [InlineData("b8020000", "long form for a short string")]
    [InlineData("b90038", "length with a leading zero")]
    [InlineData("f800", "long form for a short list")]
    [InlineData("83abcd", "string runs past the end")]
    [InlineData("c3010203ff", "trailing bytes")]
    [InlineData("", "empty input")]
    public void Non_canonical_or_malformed_rlp_is_rejected(string hex, string because)
    {
        var act = () => Rlp.Decode(Hex.Decode(hex));
        act.Should().Throw<RlpException>(because);
    }

    [Fact]
    public void Integers_with_leading_zeros_are_rejected()
    {
        var act = () => Rlp.Decode(Hex.Decode("820001")).ToBigInteger();
        act.Should().Throw<RlpException>();
        Rlp.Decode(Hex.Decode("80")).ToBigInteger().Should().Be(BigInteger.Zero);
        Rlp.Decode(Hex.Decode("820400")).ToUInt64().Should().Be(1024UL);
    }
}

public class AbiStrictnessTests
{
    private static byte[] Word(string hex) => Hex.Decode(hex.PadLeft(64, '0'));

    [Fact]
    public void Dirty_address_padding_is_rejected() =>
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.Address], Word("01" + new string('0', 22) + "f39fd6e51aad88f6f4ce6ab8827279cfffb92266")))
            .Should().Throw<AbiException>();

    [Fact]
    public void A_bool_other_than_0_or_1_is_rejected() =>
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.Bool], Word("02"))).Should().Throw<AbiException>();

    [Fact]
    public void An_out_of_range_uint8_is_rejected() =>
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.UInt(8)], Word("0100"))).Should().Throw<AbiException>();

    [Fact]
    public void A_badly_sign_extended_int8_is_rejected()
    {
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.Int(8)], Word("80"))).Should().Throw<AbiException>();
        Abi.Abi.Decode([AbiType.Int(8)], Hex.Decode(new string('f', 62) + "80"))[0].Should().Be(new BigInteger(-128));
    }

    [Fact]
    public void Dirty_bytesN_padding_is_rejected() =>
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.FixedBytes(1)], Hex.Decode("ab" + new string('0', 61) + "1"))).Should().Throw<AbiException>();

    [Fact]
    public void Offsets_and_lengths_out_of_bounds_are_rejected()
    {
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.Bytes], Word("40"))).Should().Throw<AbiException>();
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.Bytes], Hex.Decode("0000000000000000000000000000000000000000000000000000000000000020" + "00000000000000000000000000000000000000000000000000000000000000ff")))
            .Should().Throw<AbiException>();
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.Parse("uint256[]")], Hex.Decode("0000000000000000000000000000000000000000000000000000000000000020" + "00000000000000000000000000000000000000000000000000000000ffffffff")))
            .Should().Throw<AbiException>();
        FluentActions.Invoking(() => Abi.Abi.Decode([AbiType.Bytes], Word("ff" + new string('0', 62)))).Should().Throw<AbiException>();
    }

    [Fact]
    public void Encoding_rejects_values_out_of_range() =>
        FluentActions.Invoking(() => Abi.Abi.Encode([AbiType.UInt(8)], [new BigInteger(256)])).Should().Throw<AbiException>();

    [Fact]
    public void Type_strings_parse_to_canonical_form()
    {
        AbiType.Parse("tuple(uint,address[2],(bytes32,string)[])[]").Canonical.Should().Be("(uint256,address[2],(bytes32,string)[])[]");
        FluentActions.Invoking(() => AbiType.Parse("uint7")).Should().Throw<FormatException>();
        FluentActions.Invoking(() => AbiType.Parse("bytes33")).Should().Throw<FormatException>();
        FluentActions.Invoking(() => AbiType.Parse("uint256[0]")).Should().Throw<FormatException>();
    }
}

public class SignatureAndLogTests
{
    [Fact]
    public void Function_selectors_and_event_topics_match_the_well_known_values()
    {
        Hex.Encode(Abi.Abi.Selector("transfer(address,uint256)")).Should().Be("0xa9059cbb");
        Hex.Encode(FunctionSignature.Parse("function approve(address spender, uint256 amount)").Selector).Should().Be("0x095ea7b3");
        Erc20Transfer.Topic0.ToString().Should().Be("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
        EventSignature.Parse("Approval(address indexed owner, address indexed spender, uint256 value)").Topic0.ToString()
            .Should().Be("0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925");
    }

    [Fact]
    public void Indexed_dynamic_parameters_decode_to_their_hash_and_the_rest_to_values()
    {
        var ev = EventSignature.Parse("Registered(string indexed name, address indexed owner, string label, uint64 id)");
        var owner = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        var nameHash = Keccak256.HashUtf8("alice");
        var ownerTopic = new byte[32];
        owner.WriteTo(ownerTopic.AsSpan(12));
        var data = Abi.Abi.Encode([AbiType.String, AbiType.UInt(64)], ["Alice A.", 7UL]);

        var decoded = ev.Decode([ev.Topic0, new Hash32(nameHash), new Hash32(ownerTopic)], data);

        ((byte[])decoded["name"]!).Should().Equal(nameHash);
        decoded["owner"].Should().Be(owner);
        decoded["label"].Should().Be("Alice A.");
        decoded["id"].Should().Be(new BigInteger(7));
    }

    [Fact]
    public void Erc20_transfer_logs_decode_on_the_fast_path()
    {
        var from = new byte[32];
        var to = new byte[32];
        from[31] = 1;
        to[31] = 2;
        var data = Abi.Abi.Encode([AbiType.UInt256], [BigInteger.Pow(10, 30)]);
        Erc20Transfer.TryDecode([Erc20Transfer.Topic0, new Hash32(from), new Hash32(to)], data, out var t).Should().BeTrue();
        t.Value.Should().Be(BigInteger.Pow(10, 30));
        t.To.ToLowerHex().Should().EndWith("02");
        to[0] = 1;
        Erc20Transfer.TryDecode([Erc20Transfer.Topic0, new Hash32(from), new Hash32(to)], data, out _).Should().BeFalse();
    }

    [Fact]
    public void Revert_data_decodes_to_error_string_panic_or_custom_errors()
    {
        var decoder = new ErrorDecoder(["InsufficientBalance(address account, uint256 balance, uint256 needed)"]);
        var reason = Abi.Abi.EncodeCall("Error(string)", "nope");
        decoder.TryDecode(reason, out var e1).Should().BeTrue();
        e1!.Reason.Should().Be("nope");

        decoder.TryDecode(Abi.Abi.EncodeCall("Panic(uint256)", new BigInteger(0x11)), out var e2).Should().BeTrue();
        e2!.PanicCode.Should().Be(new BigInteger(0x11));
        e2.ToString().Should().Contain("overflow");

        var account = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        decoder.TryDecode(Abi.Abi.EncodeCall("InsufficientBalance(address,uint256,uint256)", account, 5, 10), out var e3).Should().BeTrue();
        e3!.Name.Should().Be("InsufficientBalance");
        e3.Arguments.Should().Equal(account, new BigInteger(5), new BigInteger(10));

        decoder.TryDecode(Hex.Decode("0xdeadbeef"), out _).Should().BeFalse();
    }

    [Fact]
    public void A_solc_json_abi_loads_functions_events_errors_and_tuple_components()
    {
        const string json = """
        [
          {"type":"constructor","inputs":[{"name":"name_","type":"string"}],"stateMutability":"nonpayable"},
          {"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}],"stateMutability":"nonpayable"},
          {"type":"function","name":"submit","inputs":[{"name":"orders","type":"tuple[]","components":[{"name":"id","type":"uint64"},{"name":"legs","type":"tuple[2]","components":[{"name":"token","type":"address"},{"name":"amount","type":"uint256"}]}]}],"outputs":[],"stateMutability":"payable"},
          {"type":"function","name":"balanceOf","inputs":[{"name":"a","type":"address"}],"outputs":[{"name":"","type":"uint256"}],"stateMutability":"view"},
          {"type":"event","name":"Transfer","inputs":[{"name":"from","type":"address","indexed":true},{"name":"to","type":"address","indexed":true},{"name":"value","type":"uint256","indexed":false}],"anonymous":false},
          {"type":"error","name":"ERC20InsufficientBalance","inputs":[{"name":"sender","type":"address"},{"name":"balance","type":"uint256"},{"name":"needed","type":"uint256"}]}
        ]
        """;
        var abi = AbiContract.Parse(json);
        abi.GetFunction("transfer").Signature.Signature.Should().Be("transfer(address,uint256)");
        abi.GetFunction("balanceOf").IsReadOnly.Should().BeTrue();
        var submit = abi.GetFunction("submit");
        submit.Signature.Signature.Should().Be("submit((uint64,(address,uint256)[2])[])");
        submit.Inputs[0].Components[1].Components[0].Name.Should().Be("token");
        abi.GetEvent("Transfer").Topic0.Should().Be(Erc20Transfer.Topic0);
        abi.GetEvent("Transfer").Parameters.Select(p => p.Indexed).Should().Equal(true, true, false);
        abi.Errors.Single().Signature.Should().Be("ERC20InsufficientBalance(address,uint256,uint256)");
        abi.ConstructorInputs.Single().Type.Should().Be(AbiType.String);
        abi.GetFunction("transfer").DecodeOutput(Abi.Abi.Encode([AbiType.Bool], [true]))[0].Should().Be(true);
    }
}

public class TransactionDecoderStrictnessTests
{
    private static readonly EthKey Key = EthKey.FromHex("0x4646464646464646464646464646464646464646464646464646464646464646");

    private static Eip1559Transaction Sample => new()
    {
        ChainId = 1,
        Nonce = 1,
        MaxPriorityFeePerGas = 1,
        MaxFeePerGas = 2,
        GasLimit = 21_000,
        To = Address.Parse("0x3535353535353535353535353535353535353535"),
        Value = 1,
    };

    [Fact]
    public void A_high_s_signature_is_rejected()
    {
        var tx = Sample;
        var sig = Key.Sign(tx.GetSigningHash());
        var n = BigInteger.Parse("0fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", System.Globalization.NumberStyles.HexNumber);
        var highS = (n - new BigInteger(sig.S, isUnsigned: true, isBigEndian: true)).ToByteArray(isUnsigned: true, isBigEndian: true);
        var raw = tx.Encode(new EthSignature(sig.R, highS, (byte)(sig.RecoveryId ^ 1)));
        FluentActions.Invoking(() => TransactionDecoder.Decode(raw)).Should().Throw<FormatException>().WithMessage("*High-s*");
    }

    [Fact]
    public void Unknown_types_and_trailing_bytes_are_rejected()
    {
        var raw = Sample.Sign(Key).Raw;
        FluentActions.Invoking(() => TransactionDecoder.Decode([0x05, .. raw[1..]])).Should().Throw<FormatException>();
        FluentActions.Invoking(() => TransactionDecoder.Decode([.. raw, 0x00])).Should().Throw<FormatException>();
        TransactionDecoder.Decode(raw).From.Should().Be(Key.Address);
    }

    [Fact]
    public void A_legacy_transaction_without_a_chain_id_is_not_signed()
    {
        var tx = new LegacyTransaction { Nonce = 0, GasPrice = 1, GasLimit = 21_000, To = Address.Zero };
        FluentActions.Invoking(() => tx.Sign(Key)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void A_priority_fee_above_the_max_fee_is_not_signed() =>
        FluentActions.Invoking(() => (Sample with { MaxPriorityFeePerGas = 3 }).Sign(Key)).Should().Throw<InvalidOperationException>();
}

public class ApiAddressRuleTests
{
    // EIP-55's own example address, in each accepted form.
    [Theory]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    [InlineData("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    public void Lower_upper_and_checksummed_forms_are_accepted_and_print_checksummed(string input)
    {
        Address.TryParseApi(input, out var address, out var error).Should().BeTrue(error);
        address.ToString().Should().Be("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]      // no prefix: fine for the library, not for the API
    [InlineData("0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae")]     // 39 digits
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0")]   // 41 digits
    [InlineData("0xg5aeb6053f3e94c9b9a09f33669435e7ef1beae")]
    [InlineData(" 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")]    // mixed case, last letter flipped: bad checksum
    public void Anything_else_is_refused_with_a_reason(string? input)
    {
        Address.TryParseApi(input, out _, out var error).Should().BeFalse();
        error.Should().NotBeNullOrEmpty();
    }
}
