using System.Text.Json;
using System.Text.Json.Serialization;
using ProfileGrid.Gateway.Compat;
using ProfileGrid.Gateway.Endpoints;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Realtime;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Hosting;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventsResponse))]
[JsonSerializable(typeof(SegmentResponse))]
[JsonSerializable(typeof(TraitsResponse))]
[JsonSerializable(typeof(ProfileView))]
[JsonSerializable(typeof(ActivityMessage))]
[JsonSerializable(typeof(ViewersMessage))]
[JsonSerializable(typeof(ErasedMessage))]
[JsonSerializable(typeof(CustomerExportView))]
[JsonSerializable(typeof(SegmentDefinitionView))]
[JsonSerializable(typeof(SegmentListView))]
[JsonSerializable(typeof(DestinationView))]
[JsonSerializable(typeof(DestinationListView))]
[JsonSerializable(typeof(DeadLettersView))]
[JsonSerializable(typeof(RedeliveredView))]
[JsonSerializable(typeof(DestinationStatusView))]
[JsonSerializable(typeof(CustomerDeliveriesView))]
[JsonSerializable(typeof(SegmentView))]
[JsonSerializable(typeof(ReconcileView))]
[JsonSerializable(typeof(MembersPageView))]
[JsonSerializable(typeof(SegmentChangedMessage))]
[JsonSerializable(typeof(MembershipView))]
[JsonSerializable(typeof(CheckView))]
[JsonSerializable(typeof(AgentIdentity))]
[JsonSerializable(typeof(IssuedToken))]
[JsonSerializable(typeof(List<StoredEvent>))]
[JsonSerializable(typeof(List<UnstoredEvent>))]
[JsonSerializable(typeof(List<EventRejection>))]
[JsonSerializable(typeof(ImportAccepted))]
[JsonSerializable(typeof(ImportStatusView))]
[JsonSerializable(typeof(ImportRejectedView))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
