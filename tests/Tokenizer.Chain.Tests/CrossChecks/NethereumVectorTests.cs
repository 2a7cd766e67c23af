using Tokenizer.Chain.Tests.Support;

namespace Tokenizer.Chain.Tests.CrossChecks;

/// <summary>Nethereum 6.1, a second independent implementation, agrees with ethers (and so with ours) on every committed vector.</summary>
public class NethereumVectorTests
{
    private static readonly string Dir = VectorFiles.CommittedDirectory;

    [Fact] public void Nethereum_keccak_matches_ethers_on_1000_inputs() => NethereumVectorChecks.Keccak(Dir).Should().BeGreaterThanOrEqualTo(1000);
    [Fact] public void Nethereum_eip55_checksums_match_ethers_on_500_addresses() => NethereumVectorChecks.Eip55(Dir).Should().BeGreaterThanOrEqualTo(500);
    [Fact] public void Nethereum_rlp_encoding_and_decoding_match_ethers() => NethereumVectorChecks.Rlp(Dir).Should().BeGreaterThanOrEqualTo(500);
    [Fact] public void Nethereum_abi_encoding_and_decoding_match_ethers_on_2000_random_types() => NethereumVectorChecks.Abi(Dir).Should().BeGreaterThanOrEqualTo(2000);
    [Fact] public void Nethereum_message_hash_signatures_match_ethers_on_200_keys() => NethereumVectorChecks.Signatures(Dir).Should().BeGreaterThanOrEqualTo(200);
    [Fact] public void Nethereum_legacy_eip155_transactions_match_ethers_on_500_cases() => NethereumVectorChecks.LegacyTransactions(Dir).Should().BeGreaterThanOrEqualTo(500);
    [Fact] public void Nethereum_eip1559_transactions_match_ethers_on_500_cases() => NethereumVectorChecks.Eip1559Transactions(Dir).Should().BeGreaterThanOrEqualTo(500);
    [Fact] public void Nethereum_reads_the_platform_contract_abis_with_the_selectors_topics_and_error_ids_ethers_computes() => NethereumVectorChecks.ContractAbis(Dir).Should().BeGreaterThan(200);
}
