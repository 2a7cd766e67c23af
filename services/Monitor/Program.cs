using Tokenizer.Monitor.Apis;
using Tokenizer.Monitor.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapDefaultOpenApi();
app.MapStatusApi();

await app.MigrateDatabaseAsync();
await app.RunAsync();
