from core.urls import route
from marketplace import apis

urlpatterns = [
    route(
        "accreditations/<uuid:id>/suspend",
        apis.AccreditationSuspendApi.as_view(),
        "accreditation-suspend",
    ),
    route("offerings", apis.OfferingsApi.as_view(), "offering-list"),
    route("offerings/<uuid:id>", apis.OfferingDetailApi.as_view(), "offering-detail"),
    route("offerings/<uuid:id>/archive", apis.OfferingArchiveApi.as_view(), "offering-archive"),
    route("orders", apis.OrdersApi.as_view(), "order-list"),
    route("orders/<uuid:id>", apis.OrderDetailApi.as_view(), "order-detail"),
    route("orders/<uuid:id>/accept", apis.OrderAcceptApi.as_view(), "order-accept"),
    route("orders/<uuid:id>/reject", apis.OrderRejectApi.as_view(), "order-reject"),
    route("orders/<uuid:id>/cancel", apis.OrderCancelApi.as_view(), "order-cancel"),
    route("orders/<uuid:id>/deliveries", apis.OrderDeliveriesApi.as_view(), "order-deliveries"),
    route("orders/<uuid:id>/complete", apis.OrderCompleteApi.as_view(), "order-complete"),
    route("orders/<uuid:id>/confirm", apis.OrderConfirmApi.as_view(), "order-confirm"),
    route("orders/<uuid:id>/dispute", apis.OrderDisputeApi.as_view(), "order-dispute"),
    route("orders/<uuid:id>/resolve", apis.OrderResolveApi.as_view(), "order-resolve"),
]
