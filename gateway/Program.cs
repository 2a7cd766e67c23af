using Tokenizer.Gateway.Apis;
using Tokenizer.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseGatewaySecurity();

app.MapDefaultEndpoints(mapReadiness: false);
app.MapPlatformReadiness();
app.MapApiDocs();
app.MapReverseProxy();

await app.RunAsync();
