from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "财政报告起草平台 · 管理"
admin.site.site_title = "财政报告起草平台"

# Our own Chinese error pages (templates 400.html, 403.html, 404.html, 500.html); 403 shows the reason.
handler403 = "reports.views.common.permission_denied"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
]

handler400 = "reports.views.common.bad_request"
