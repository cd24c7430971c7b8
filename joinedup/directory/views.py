from django.http import HttpResponse


def search(request):
    return HttpResponse("directory search: being built")


locality_list = organisation_list = search
