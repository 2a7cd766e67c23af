namespace Tokenizer.Contracts.Tests;

[CollectionDefinition(Name)]
public sealed class AnvilCollection : ICollectionFixture<ContractsFixture>
{
    public const string Name = "anvil";
}
