using Tokenizer.AppHost;
using Tokenizer.AppHost.Hosting;

// Starts the platform for a local run: PostgreSQL, Redis, RabbitMQ and anvil as child processes with their data
// in .tokenizer/ (or --data-dir), then the services and the gateway (http://127.0.0.1:8080, or --gateway-port),
// each once what it waits for is healthy. Ctrl+C stops everything. The topology itself is in TokenizerTopology.
var builder = DistributedApplication.CreateBuilder(args);

TokenizerTopology.Configure(builder, TopologyOptions.FromConfiguration(builder.Configuration));

builder.Build().Run();
