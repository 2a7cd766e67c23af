using Tokenizer.TokenAdmin.Apis;
using Tokenizer.TokenAdmin.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapDefaultOpenApi();
app.MapAdminCommandsApi();

await app.MigrateDatabaseAsync();
await app.RunAsync();
