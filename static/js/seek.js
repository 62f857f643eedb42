// Buttons with data-player and data-seconds play that recording from that moment.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.seek");
  if (!button) return;
  var player = document.getElementById(button.dataset.player);
  if (!player) return;
  player.currentTime = Number(button.dataset.seconds) || 0;
  player.play();
  player.focus();
});
