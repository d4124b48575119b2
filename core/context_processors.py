from core.roles import role_of


def role(request):
    return {"user_role": role_of(getattr(request, "user", None))}
