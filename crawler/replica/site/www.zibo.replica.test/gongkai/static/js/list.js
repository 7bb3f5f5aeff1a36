/* gongkai list (replica): fills #docList from the channel's JSON list. */
(function () {
  var box = document.getElementById('docList');
  var page = 1, size = 15;
  function show(data) {
    var html = '<ul class="doc-list">';
    for (var i = 0; i < data.docs.length; i++) {
      var d = data.docs[i];
      html += '<li><a href="' + d.url + '" title="' + d.title + '" target="_blank">' + d.title
        + '</a><span>' + d.pubDate + '</span></li>';
    }
    box.innerHTML = html + '</ul>';
    document.getElementById('pager').innerHTML = '共' + Math.ceil(data.total / size) + '页';
  }
  var xhr = new XMLHttpRequest();
  xhr.open('GET', '/gongkai/api/docs?channel=' + encodeURIComponent(box.getAttribute('data-channel'))
    + '&page=' + page + '&size=' + size);
  xhr.onload = function () { show(JSON.parse(xhr.responseText)); };
  xhr.send();
})();
