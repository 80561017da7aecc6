from django.urls import include, path

from meldpunt.portal import (
    account_urls,
    activation_urls,
    incident_link_views,
    maintenance_urls,
    mine_urls,
    party_account_views,
    party_link_views,
    repair_views,
    report_views,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.landing, name="landing"),
    # The tenant portal: signing in, the account, the tenant's own pages.
    path("portal/", include(account_urls)),
    path("portal/", include(activation_urls)),
    path("portal/", include(mine_urls)),
    path("portal/", include(maintenance_urls)),
    path("incident", report_views.report_form, name="report_form"),
    path("incident/send", report_views.report_submit, name="report_submit"),
    path("incident/sent", report_views.report_sent, name="report_sent"),
    path("incident/address", report_views.report_address_check, name="report_address_check"),
    path(
        "incident/photos/<str:batch>/<int:upload_id>",
        report_views.report_photo,
        name="report_photo",
    ),
    path("repairment", repair_views.repair_intro, name="repair_intro"),
    path("repairment/start", repair_views.repair_start, name="repair_start"),
    path(
        "repairment/<slug:public_id>/photos/<int:upload_id>",
        repair_views.repair_photo,
        name="repair_photo",
    ),
    path("repairment/<slug:public_id>/<slug:step>", repair_views.repair_step, name="repair_step"),
    path(
        "repairment/<slug:public_id>/<slug:step>/<slug:action>",
        repair_views.repair_action,
        name="repair_action",
    ),
    # Before the incident link's patterns: "m/r/…" is a report link, not a token "r".
    path("m/r/<str:token>/", report_views.report_link, name="report_link"),
    path("m/r/<str:token>/reply/", report_views.report_link_reply, name="report_link_reply"),
    path(
        "m/r/<str:token>/files/<slug:file_id>/",
        report_views.report_link_file,
        name="report_link_file",
    ),
    # Before the party link's patterns: "w/in/…", "w/orders/" are not tokens.
    path("w/", party_account_views.party_sign_in, name="party_sign_in"),
    path("w/in/<str:token>/", party_account_views.party_sign_in_link, name="party_sign_in_link"),
    path("w/orders/", party_account_views.party_orders_list, name="party_orders"),
    path(
        "w/orders/<slug:public_id>/open/",
        party_account_views.party_order_open,
        name="party_order_open",
    ),
    path("w/sign-out/", party_account_views.party_sign_out, name="party_sign_out"),
    path("w/<str:token>/", party_link_views.party_link, name="party_link"),
    path("w/<str:token>/accept/", party_link_views.party_link_accept, name="party_link_accept"),
    path("w/<str:token>/reject/", party_link_views.party_link_reject, name="party_link_reject"),
    path("w/<str:token>/plan/", party_link_views.party_link_plan, name="party_link_plan"),
    path(
        "w/<str:token>/complete/", party_link_views.party_link_complete, name="party_link_complete"
    ),
    path("w/<str:token>/comment/", party_link_views.party_link_comment, name="party_link_comment"),
    path("w/<str:token>/approve/", party_link_views.party_link_approve, name="party_link_approve"),
    path("w/<str:token>/decline/", party_link_views.party_link_decline, name="party_link_decline"),
    path(
        "w/<str:token>/files/<slug:file_id>/",
        party_link_views.party_link_file,
        name="party_link_file",
    ),
    path("m/<str:token>/", incident_link_views.incident_link, name="incident_link"),
    path(
        "m/<str:token>/reply/", incident_link_views.incident_link_reply, name="incident_link_reply"
    ),
    path(
        "m/<str:token>/files/<slug:file_id>/",
        incident_link_views.incident_link_file,
        name="incident_link_file",
    ),
]
