app_name = "oruk"
urlpatterns: list = []
