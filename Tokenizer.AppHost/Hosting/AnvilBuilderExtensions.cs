using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tokenizer.AppHost.Hosting;

/// <summary><c>AddAnvil</c>: a local chain from the npm package <c>@foundry-rs/anvil-linux-amd64</c>.</summary>
public static class AnvilBuilderExtensions
{
    /// <summary>
    /// Runs anvil (chain id 31337) on loopback. It mines a block for every transaction and, every
    /// <c>Anvil:BlockTimeSeconds</c> (default 1), an empty one too, so that confirmation depth advances on an idle chain.
    /// </summary>
    public static IResourceBuilder<AnvilResource> AddAnvil(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var path = builder.Configuration["Anvil:Path"];
        if (string.IsNullOrEmpty(path))
        {
            var bundled = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"));
            path = File.Exists(bundled) ? bundled : ServerBinaries.FindOnPath("anvil") ?? bundled;
        }

        ServerBinaries.Require("anvil (chain)", path, ServerBinaries.NpmHint);
        var blockTime = builder.Configuration.GetValue("Anvil:BlockTimeSeconds", 1);
        var anvil = new AnvilResource(name, path, DataFolder.For(builder).ResourceDirectory(name));

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(anvil, async (_, ct) =>
            connectionString = await anvil.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new ChainRpcHealthCheck(() => connectionString, AnvilResource.ChainId), failureStatus: null, tags: null));
        StartupHealthCheck.Wrap(builder.Services, healthCheckKey);

        return builder.AddResource(anvil)
            .WithEndpoint(name: AnvilResource.PrimaryEndpointName, scheme: "http", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--host");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(anvil.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--chain-id");
                context.Args.Add(AnvilResource.ChainId.ToString(CultureInfo.InvariantCulture));
                context.Args.Add("--state");
                context.Args.Add(anvil.StatePath);
                context.Args.Add("--state-interval");
                context.Args.Add("5");
                if (blockTime > 0)
                {
                    context.Args.Add("--block-time");
                    context.Args.Add(blockTime.ToString(CultureInfo.InvariantCulture));
                    context.Args.Add("--mixed-mining");
                }
            })
            .WithHealthCheck(healthCheckKey);
    }
}
