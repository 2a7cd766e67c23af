using MassTransit;
using Tokenizer.TokenAdmin.Consumers;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>Wiring of the operator commands: accept (API), execute (consumer), track (background service).</summary>
public static class OperatorCommandsExtensions
{
    public static void AddOperatorCommandConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<ExecuteCommandConsumer, ExecuteCommandConsumerDefinition>();

    public static void AddOperatorCommands(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OperatorCommandOptions>().BindConfiguration(OperatorCommandOptions.SectionName);
        builder.Services.AddSingleton<CommandMetrics>();
        builder.Services.AddSingleton<OperatorCommandStore>();
        builder.Services.AddSingleton<InstrumentResolver>();
        builder.Services.AddSingleton<CommandChainReader>();
        builder.Services.AddSingleton<CommandExecutor>();
        builder.Services.AddSingleton<FeeBumper>();
        builder.Services.AddHostedService<CommandTracker>();
    }
}
