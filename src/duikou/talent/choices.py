from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentKind(models.TextChoices):
    CADRE = "cadre", _("党政干部")
    PROFESSIONAL = "professional", _("专业技术人才")
    TEACHER = "teacher", _("教师")
    DOCTOR = "doctor", _("医生")
    SHORT_TERM = "short_term", _("短期柔性人才")
