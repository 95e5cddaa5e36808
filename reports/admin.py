from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Bureau, Department, Export, Membership, Metric, Report, ReportKind, SensitiveTerm


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "bureau"]
    list_filter = ["bureau"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "bureau", "department", "role"]
    list_filter = ["bureau", "role"]
    filter_horizontal = ["supervises"]


@admin.register(ReportKind)
class ReportKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    readonly_fields = ["code"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "bureau", "kind", "year", "status", "updated_at"]
    list_filter = ["bureau", "kind", "status", "year"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["id", "report", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    exclude = ["content", "snapshot"]
    readonly_fields = ["report", "requested_by", "status", "progress", "error", "file_name", "attempts",
                       "started_at", "finished_at"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    filter_horizontal = ["supervises"]
    verbose_name = verbose_name_plural = "所属财政局、科室与角色"


class BureauUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "membership__bureau", "membership__role", "is_active"]


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, BureauUserAdmin)


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(admin.ModelAdmin):
    list_display = ["term", "bureau"]
    list_filter = ["bureau"]
    search_fields = ["term"]


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["name", "bureau", "year", "period", "value", "unit", "status", "updated_at"]
    list_filter = ["bureau", "year", "status"]
    search_fields = ["name"]
