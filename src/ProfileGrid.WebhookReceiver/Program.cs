using ProfileGrid.WebhookReceiver;

// A small receiver of ProfileGrid destinations' deliveries: verifies each Standard Webhooks signature, records and
// logs what arrives, and can be told to fail or hang (for tests and the demo). docs/destinations.md shows it in use.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(new Hooks(builder.Configuration["Receiver:Secret"]));
var app = builder.Build();
app.MapReceiver();
app.Run();
