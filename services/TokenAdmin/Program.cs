using Tokenizer.TokenAdmin.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

await app.MigrateDatabaseAsync();
await app.RunAsync();
